export { CollateFleetPage } from './FleetPage';
