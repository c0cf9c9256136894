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
