/* The component cards, one folder each; loaded lazily by the plugin's extensions. */
export { CollateArgoCard } from './ArgoCard';
export { CollateDatabaseCard, CollateSearchCard } from './BackingServiceCard';
export { CollateIngestionCard } from './IngestionCard';
export { CollateMetaflowCard } from './MetaflowCard';
export { CollateRunnerCard } from './RunnerCard';
