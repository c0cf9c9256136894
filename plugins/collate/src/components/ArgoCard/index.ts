export { CollateArgoCard } from './ArgoCard';
