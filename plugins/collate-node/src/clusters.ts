import {
  createExtensionPoint,
  type AuthService,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER,
  type KubernetesRequestAuth,
} from '@backstage/plugin-kubernetes-common';
import type {
  AuthenticationStrategy,
  ClusterDetails,
  KubernetesClustersSupplier,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import {
  AksStrategy,
  AnonymousStrategy,
  AwsIamStrategy,
  AzureIdentityStrategy,
  DispatchStrategy,
  GoogleServiceAccountStrategy,
  GoogleStrategy,
  OidcStrategy,
  ServiceAccountStrategy,
} from '@backstage/plugin-kubernetes-backend';
import { combinedClusterSupplier } from './kubernetesBackendInternals';

/**
 * Auth providers whose credential is the signed-in user's own token, sent by the browser (the Kubernetes plugin's
 * frontend does the same). Backend work without a user (scaffolder actions, schedules) cannot use them.
 *
 * @public
 */
export const CLIENT_SIDE_AUTH_PROVIDERS: readonly string[] = [
  'oidc',
  'aks',
  'google',
];

/** Auth providers the backend resolves on its own. @public */
export const SERVER_SIDE_AUTH_PROVIDERS: readonly string[] = [
  'serviceAccount',
  'aws',
  'azure',
  'googleServiceAccount',
  'localKubectlProxy',
];

/**
 * What a caller needs to know about a cluster to send the user's credentials for it: its auth provider and, for
 * `oidc`, the token provider (the same two fields the Kubernetes plugin's `/clusters` route returns).
 *
 * @public
 */
export interface ClusterAuthInfo {
  name: string;
  authProvider: string;
  oidcTokenProvider?: string;
  /** True when the credential must come from the signed-in user. */
  clientSide: boolean;
}

/**
 * Thrown when a cluster's credentials must come from the signed-in user and the request carried none.
 *
 * @public
 */
export class UserCredentialsRequiredError extends Error {
  constructor(readonly cluster: ClusterAuthInfo) {
    super(
      `Cluster '${cluster.name}' uses authProvider '${cluster.authProvider}'${
        cluster.oidcTokenProvider ? ` (${cluster.oidcTokenProvider})` : ''
      }: the signed-in user's token is needed`,
    );
    this.name = 'UserCredentialsRequiredError';
  }
}

/**
 * The clusters of Backstage's Kubernetes plugin configuration (`kubernetes.clusterLocatorMethods`, every locator:
 * `config`, `catalog`, `gke`, `localKubectlProxy`), with credentials from the plugin's own auth strategies
 * (`serviceAccount`, `aws`, `azure`, `googleServiceAccount`, and, with the user's token, `oidc`, `aks`, `google`).
 *
 * The Kubernetes plugin's cluster suppliers and auth strategies are used as they are, not copied: a portal that
 * already shows its clusters in the Kubernetes tab needs no extra configuration for Collate.
 *
 * @public
 */
export class KubernetesClusters {
  private cached?: { at: number; clusters: Promise<ClusterDetails[]> };

  private constructor(
    private readonly supplier: KubernetesClustersSupplier,
    private readonly strategy: AuthenticationStrategy,
    private readonly auth: AuthService,
    private readonly cacheMs: number,
  ) {}

  static fromConfig(options: {
    config: Config;
    logger: LoggerService;
    catalog: CatalogService;
    auth: AuthService;
    /** Extra or replacement strategies, keyed like the Kubernetes plugin's `authProvider` values. */
    authStrategies?: Record<string, AuthenticationStrategy>;
    /** How long a cluster list is reused; catalog-located clusters change rarely. Default 60 s. */
    cacheMs?: number;
  }): KubernetesClusters {
    const { config, logger, catalog, auth } = options;
    // The strategy loads @kubernetes/client-node with a dynamic import() for its in-cluster token fallback; give it
    // the module we already load, so it also runs where dynamic import() is unavailable (Jest's module VM).
    const serviceAccount = Object.assign(new ServiceAccountStrategy(), {
      injectedKubernetesClient: { KubeConfig },
    });
    const strategy = new DispatchStrategy({
      authStrategyMap: {
        aks: new AksStrategy(),
        aws: new AwsIamStrategy({ config }),
        azure: new AzureIdentityStrategy(logger),
        google: new GoogleStrategy(),
        googleServiceAccount: new GoogleServiceAccountStrategy({ config }),
        localKubectlProxy: new AnonymousStrategy(),
        oidc: new OidcStrategy(),
        serviceAccount,
        ...options.authStrategies,
      },
    });
    const supplier = config.has('kubernetes.clusterLocatorMethods')
      ? combinedClusterSupplier(config, catalog, strategy, logger, auth)
      : { getClusters: async () => [] };
    return new KubernetesClusters(
      supplier,
      strategy,
      auth,
      options.cacheMs ?? 60_000,
    );
  }

  /** Every cluster the Kubernetes plugin configuration names. */
  async list(): Promise<ClusterDetails[]> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.cacheMs) {
      const clusters = this.auth
        .getOwnServiceCredentials()
        .then(credentials => this.supplier.getClusters({ credentials }));
      clusters.catch(() => {
        this.cached = undefined;
      });
      this.cached = { at: now, clusters };
    }
    return this.cached.clusters;
  }

  /** A cluster by name; an `InputError` naming the configured clusters when there is none. */
  async get(name: string): Promise<ClusterDetails> {
    const clusters = await this.list();
    const cluster = clusters.find(c => c.name === name);
    if (!cluster) {
      throw new InputError(
        `Invalid input 'cluster': '${name}' is not configured under kubernetes.clusterLocatorMethods (configured: ${
          clusters.map(c => c.name).join(', ') || 'none'
        })`,
      );
    }
    return cluster;
  }

  /** The auth provider of every cluster, for a frontend that has to send the user's tokens. */
  async authInfo(): Promise<ClusterAuthInfo[]> {
    return (await this.list()).map(authInfoOf);
  }

  /**
   * A KubeConfig for backend work without a user (scaffolder actions, schedules). Clusters whose auth provider
   * needs the user's own token are refused with an `InputError` naming the server-side alternatives.
   */
  async serverKubeConfig(name: string): Promise<KubeConfig> {
    const cluster = await this.get(name);
    const info = authInfoOf(cluster);
    if (info.clientSide) {
      throw new InputError(
        `Cluster '${name}' uses authProvider '${
          info.authProvider
        }', which needs the signed-in user's own token; scaffolder actions run without one. Configure the cluster for the backend with one of: ${SERVER_SIDE_AUTH_PROVIDERS.filter(
          p => p !== 'localKubectlProxy',
        ).join(', ')}`,
      );
    }
    return this.kubeConfigOf(cluster, {});
  }

  /**
   * A KubeConfig for a request made on behalf of a user: server-side providers as above, client-side ones with the
   * token the user's browser sent in `requestAuth` (the Kubernetes plugin's request-body format, e.g.
   * `{ oidc: { dex: '<token>' } }`). Throws {@link UserCredentialsRequiredError} when that token is missing.
   */
  async userKubeConfig(
    name: string,
    requestAuth: KubernetesRequestAuth,
  ): Promise<KubeConfig> {
    const cluster = await this.get(name);
    const info = authInfoOf(cluster);
    if (info.clientSide && !hasUserToken(info, requestAuth)) {
      throw new UserCredentialsRequiredError(info);
    }
    return this.kubeConfigOf(cluster, requestAuth);
  }

  /** Whether a cluster's credential comes from the user (so nothing built with it may be shared between users). */
  async isClientSide(name: string): Promise<boolean> {
    return authInfoOf(await this.get(name)).clientSide;
  }

  private async kubeConfigOf(
    cluster: ClusterDetails,
    requestAuth: KubernetesRequestAuth,
  ): Promise<KubeConfig> {
    const credential = await this.strategy.getCredential(cluster, requestAuth);
    return kubeConfigFromDetails(cluster, credential);
  }
}

function authInfoOf(cluster: ClusterDetails): ClusterAuthInfo {
  const authProvider =
    cluster.authMetadata[ANNOTATION_KUBERNETES_AUTH_PROVIDER] ??
    'serviceAccount';
  const oidcTokenProvider =
    cluster.authMetadata[ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER];
  return {
    name: cluster.name,
    authProvider,
    ...(oidcTokenProvider ? { oidcTokenProvider } : {}),
    clientSide: CLIENT_SIDE_AUTH_PROVIDERS.includes(authProvider),
  };
}

function hasUserToken(
  info: ClusterAuthInfo,
  requestAuth: KubernetesRequestAuth,
): boolean {
  const value = requestAuth[info.authProvider];
  if (info.authProvider === 'oidc') {
    const tokens = value as Record<string, unknown> | undefined;
    return Boolean(
      info.oidcTokenProvider &&
        typeof tokens?.[info.oidcTokenProvider] === 'string',
    );
  }
  return typeof value === 'string' && value.length > 0;
}

/** A KubeConfig for one cluster and one credential, the way the Kubernetes plugin's fetcher builds it. @public */
export function kubeConfigFromDetails(
  cluster: ClusterDetails,
  credential: KubernetesCredential,
): KubeConfig {
  const user = { name: 'backstage' };
  if (credential.type === 'bearer token') {
    Object.assign(user, { token: credential.token });
  } else if (credential.type === 'x509 client certificate') {
    Object.assign(user, { certData: credential.cert, keyData: credential.key });
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        caData: cluster.caData,
        caFile: cluster.caFile,
        skipTLSVerify: cluster.skipTLSVerify ?? false,
      },
    ],
    users: [user],
    contexts: [
      { name: cluster.name, cluster: cluster.name, user: 'backstage' },
    ],
    currentContext: cluster.name,
  });
  return kc;
}

/**
 * The interface of {@link collateClusterAuthExtensionPoint}.
 *
 * @public
 */
export interface CollateClusterAuthExtensionPoint {
  /**
   * Adds or replaces the auth strategy of an `authProvider`, as a module of the Kubernetes plugin would with
   * `kubernetesAuthStrategyExtensionPoint` (for example `azure` with a `TokenCredential` for a sovereign cloud).
   */
  addAuthStrategy(key: string, strategy: AuthenticationStrategy): void;
}

/**
 * Lets backend modules of the `collate` plugin add the auth strategies they also give the Kubernetes plugin.
 *
 * @public
 */
export const collateClusterAuthExtensionPoint =
  createExtensionPoint<CollateClusterAuthExtensionPoint>({
    id: 'collate.cluster-auth',
  });
