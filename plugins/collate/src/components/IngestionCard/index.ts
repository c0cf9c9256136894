export { CollateIngestionCard } from './IngestionCard';
