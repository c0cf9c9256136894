export { CollateMetaflowCard } from './MetaflowCard';
