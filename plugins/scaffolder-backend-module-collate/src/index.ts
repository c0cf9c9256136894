/**
 * Scaffolder actions that turn the Collate/OpenMetadata deployment guides into template steps.
 *
 * @packageDocumentation
 */
export { scaffolderModuleCollate as default } from './module';
export { createCollateActions } from './actions';
export type { CollateActionsOptions } from './actions';
export type { ClusterAccess, ClusterActionOptions } from './lib/kubernetes';
export { PullSecretStore, type PullSecretRecord } from './ecr/pullSecretStore';
export {
  ARGO_DEFAULTS,
  argoFullname,
  argoServerUrl,
  escapeForTpl,
  renderArgoValues,
} from './lib/helm/values/argo';
export type { ArgoValuesInput } from './lib/helm/values/argo';
export {
  COLLATE_DEFAULTS,
  chartVersionForImageTag,
  collateServiceUrl,
  renderCollateValues,
} from './lib/helm/values/collate';
export type { CollateValuesInput } from './lib/helm/values/collate';
export {
  RUNNER_DEFAULTS,
  SECRETS_MANAGERS,
  renderRunnerValues,
  runnerFullname,
} from './lib/helm/values/runner';
export type { RunnerValuesInput } from './lib/helm/values/runner';
