/**
 * A permission policy for the Collate plugin set: deployers, viewers and owners of Collate deployments.
 *
 * @packageDocumentation
 */
export { permissionModuleCollatePolicy as default } from './module';
export {
  CollatePermissionPolicy,
  collatePolicyDecision,
  readCollatePolicyOptions,
  type CollatePolicyOptions,
} from './policy';
export { portalDefaultDecision } from './portalDefaults';
