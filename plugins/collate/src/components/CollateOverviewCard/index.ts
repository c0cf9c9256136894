export { CollateOverviewCard } from './CollateOverviewCard';
