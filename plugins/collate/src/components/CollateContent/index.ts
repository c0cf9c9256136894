export { CollateContent } from './CollateContent';
