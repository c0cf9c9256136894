/**
 * Scaffolder actions that turn the Collate/OpenMetadata deployment guides into template steps.
 *
 * @packageDocumentation
 */
export { scaffolderModuleCollate as default } from './module';
export { createCollateActions } from './actions';
export type { CollateActionsOptions } from './actions';
export type { ClusterAccess, ClusterActionOptions } from './lib/kubernetes';
export {
  ARGO_DEFAULTS,
  argoFullname,
  argoServerUrl,
  escapeForTpl,
  renderArgoValues,
} from './actions/helm/argoValues';
export type { ArgoValuesInput } from './actions/helm/argoValues';
export {
  COLLATE_DEFAULTS,
  chartVersionForImageTag,
  collateServiceUrl,
  renderCollateValues,
} from './actions/helm/collateValues';
export type { CollateValuesInput } from './actions/helm/collateValues';
export {
  RUNNER_DEFAULTS,
  SECRETS_MANAGERS,
  renderRunnerValues,
  runnerFullname,
} from './actions/helm/runnerValues';
export type { RunnerValuesInput } from './actions/helm/runnerValues';
