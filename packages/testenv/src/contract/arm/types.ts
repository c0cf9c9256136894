import type { RecordedCall } from '../http.ts';
import type { ArmResource } from './state.ts';

export interface ArmContractOptions {
  /** PEM certificate and key for HTTPS. */
  tls: { cert: string | Buffer; key: string | Buffer };
  port?: number;
  host?: string;
  tenantId?: string;
  /** Object id of the app registration's service principal (the `oid` of its tokens). Default random. */
  servicePrincipalObjectId?: string;
  /** How long a new identity's principal is unknown to role assignment. Default 0. */
  principalReplicationDelayMs?: number;
  /** How long one federated-credential write holds its identity (others get 409 meanwhile). Default 50. */
  federatedCredentialWriteMs?: number;
  /**
   * A blob data plane (the OAuth Azurite of the test environment) behind the storage accounts: the n-th account
   * created gets the n-th pool account (from `first`) as its blob endpoint, and each container ARM creates or deletes
   * is created (empty) or deleted there too, as one storage service would. Without it the blob endpoint is
   * `https://<name>.blob.core.windows.net/`, which nothing here answers.
   */
  blobDataPlane?: { url: string; accounts: string[]; first?: number };
}

export interface SeedManagedCluster {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  kubernetesVersion?: string;
  oidcIssuerEnabled?: boolean;
  workloadIdentityEnabled?: boolean;
  agentPools?: Array<{ name: string; count: number; vmSize: string }>;
}

export interface ArmContractServer {
  url: string;
  tenantId: string;
  /** A client-credentials app registration that may call ARM. */
  clientId: string;
  clientSecret: string;
  /** Its service principal's object id: the `oid` claim of every token issued for it. */
  servicePrincipalObjectId: string;
  /** Every request, in order (token requests included). */
  calls: RecordedCall[];
  /** ARM requests that change something (PUT/PATCH/DELETE/POST other than reads). */
  mutatingCalls(): RecordedCall[];
  /**
   * The next `times` requests whose path matches (and method, when given) get 429 with
   * `Retry-After: retryAfterSeconds`.
   */
  throttle(
    path: RegExp,
    times: number,
    retryAfterSeconds?: number,
    method?: string,
  ): void;
  /**
   * The next `times` requests whose method and path match fail as ARM fails them (status, error code, message), for
   * faults that ARM otherwise only shows under concurrency or load.
   */
  failNext(fault: {
    method: string;
    path: RegExp;
    times: number;
    status: number;
    code: string;
    message?: string;
  }): void;
  setPrincipalReplicationDelay(ms: number): void;
  seedManagedCluster(cluster: SeedManagedCluster): void;
  /** Backstage's `collate.azure` config that points the actions' Azure SDK clients at this server. */
  backstageConfig(subscriptionId: string): {
    subscriptionId: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
    authorityHost: string;
    resourceManagerEndpoint: string;
  };
  /** A stored resource by id (case-insensitive), for assertions. */
  resource(id: string): ArmResource | undefined;
  /** Every stored resource of a type (case-insensitive), for counting what a run left behind. */
  resourcesOfType(type: string): ArmResource[];
  reset(): void;
  close(): Promise<void>;
}
