/**
 * Node.js helpers shared by the Collate backend plugin and the Collate scaffolder module.
 *
 * @packageDocumentation
 */
export {
  CLIENT_SIDE_AUTH_PROVIDERS,
  SERVER_SIDE_AUTH_PROVIDERS,
  KubernetesClusters,
  UserCredentialsRequiredError,
  collateClusterAuthExtensionPoint,
  type CollateClusterAuthExtensionPoint,
  kubeConfigFromDetails,
  type ClusterAuthInfo,
} from './clusters';
export {
  CollateApiClient,
  REINDEX_APP,
  type ListedRunner,
  type SystemStatus,
  type ValidationStep,
} from './collate/CollateApiClient';
export {
  findCollateServer,
  normalizeUrl,
  readCollateServers,
  type CollateConnection,
  type CollateServerConfig,
} from './collate/servers';
export { getJson, UpstreamError } from './collate/http';
export {
  COLLATE_API_LINES,
  collateApiLineOf,
  type CollateApiLine,
} from './collate/apiLines';
export { collateUpgradeRefusal } from './collate/upgradePath';
export {
  COLLATE_ARGO_SUPPORT,
  argoLineOf,
  argoSupportRefusal,
} from './collate/argoSupport';
