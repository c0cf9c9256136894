export { CollateDatabaseCard, CollateSearchCard } from './BackingServiceCard';
