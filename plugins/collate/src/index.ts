/**
 * Entity cards for Collate deployments (legacy frontend system).
 * For the new frontend system, import the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export { collatePlugin, EntityCollateOverviewCard } from './plugin';
