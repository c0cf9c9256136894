export { collatePlugin as default } from './plugin';
