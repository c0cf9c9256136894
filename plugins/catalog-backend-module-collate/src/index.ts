/**
 * Catalog backend module for the Collate plugin set: the entity provider of the deployments the Collate templates
 * register, without a Git repository or a URL location.
 *
 * @packageDocumentation
 */
export { catalogModuleCollateDeployments as default } from './module';
export { COLLATE_DEPLOYMENT_LOCATION_TYPE } from '@collate-backstage/plugin-collate-common';
export type { RegisterDeploymentRequest } from './router';
