// The endpoints of the running test environment, from the variables `scripts/testenv/testenv env` exports.
// Integration tests call these; a missing variable fails the test with how to start the environment.
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: start the test environment (scripts/testenv/testenv up; eval "$(scripts/testenv/testenv env)") or run scripts/test integration`,
    );
  }
  return value;
}

export const testEnv = {
  kubernetes: () => ({
    url: requireEnv('COLLATE_TEST_K8S_URL'),
    kubeconfigPath: requireEnv('COLLATE_TEST_KUBECONFIG'),
    caFile: requireEnv('COLLATE_TEST_K8S_CA_FILE'),
    serviceAccountIssuer: requireEnv('COLLATE_TEST_K8S_SA_ISSUER'),
    backstageToken: readFileSync(
      requireEnv('COLLATE_TEST_K8S_TOKEN_FILE'),
      'utf8',
    ).trim(),
  }),
  argoUrl: () => requireEnv('COLLATE_TEST_ARGO_URL'),
  /**
   * The fleet's other clusters (scripts/testenv/fleet.sh): each with its API server, admin kubeconfig and the token
   * of its own `backstage` service account. They trust the kubernetes component's CA. Empty when not started.
   */
  fleetClusters: () => {
    const list = process.env.COLLATE_TEST_FLEET_CLUSTERS?.trim();
    if (!list) return [];
    const dir = requireEnv('COLLATE_TEST_FLEET_DIR');
    return list.split(',').map(entry => {
      const [name, url] = entry.split('=');
      return {
        name,
        url,
        kubeconfigPath: `${dir}/${name}/admin.kubeconfig`,
        backstageToken: readFileSync(
          `${dir}/${name}/backstage.token`,
          'utf8',
        ).trim(),
      };
    });
  },
  awsEndpoint: () => requireEnv('COLLATE_TEST_AWS_ENDPOINT'),
  azurite: () => ({
    blobUrl: requireEnv('COLLATE_TEST_AZURITE_BLOB_URL'),
    account: requireEnv('COLLATE_TEST_AZURITE_ACCOUNT'),
  }),
  /**
   * The OAuth (HTTPS, bearer token) Azurite: the blob data plane for the ARM contract server's storage accounts
   * (`blobDataPlane`). Test files that can run at the same time take different `first` pool accounts.
   */
  azuriteDataPlane: (first: number) => ({
    url: requireEnv('COLLATE_TEST_AZURITE_OAUTH_URL'),
    accounts: requireEnv('COLLATE_TEST_AZURITE_OAUTH_ACCOUNTS').split(','),
    first,
  }),
  postgres: () => ({
    host: requireEnv('COLLATE_TEST_PG_HOST'),
    port: Number(requireEnv('COLLATE_TEST_PG_PORT')),
    user: requireEnv('COLLATE_TEST_PG_USER'),
    password: requireEnv('COLLATE_TEST_PG_PASSWORD'),
  }),
  /** Redis for Backstage's shared cache (`backend.cache.connection`), password included. */
  redisUrl: () => requireEnv('COLLATE_TEST_REDIS_URL'),
  /** PEM certificate and key the HTTPS contract servers serve with (trusted through NODE_EXTRA_CA_CERTS). */
  tls: () => ({
    cert: readFileSync(requireEnv('COLLATE_TEST_TLS_CERT')),
    key: readFileSync(requireEnv('COLLATE_TEST_TLS_KEY')),
  }),
  /**
   * The token issuers the local API server trusts besides its service accounts (structured authentication
   * configuration): the ARM contract server's Entra endpoint on a fixed port and tenant, and an OIDC issuer.
   */
  tokenIssuers: () => ({
    entraPort: Number(requireEnv('COLLATE_TEST_ENTRA_PORT')),
    entraTenant: requireEnv('COLLATE_TEST_ENTRA_TENANT'),
    /** The object id whose Entra tokens the API server maps to a cluster-admin user. */
    entraBackstageObjectId: requireEnv('COLLATE_TEST_ENTRA_BACKSTAGE_OID'),
    oidcPort: Number(requireEnv('COLLATE_TEST_OIDC_PORT')),
    oidcAudience: requireEnv('COLLATE_TEST_OIDC_AUDIENCE'),
    /** The email whose OIDC tokens may read what the status cards read, and nothing else. */
    oidcViewer: requireEnv('COLLATE_TEST_OIDC_VIEWER'),
  }),
  helmBin: () => process.env.HELM_BIN ?? 'helm',
  tofuBin: () => requireEnv('COLLATE_TEST_TOFU_BIN'),
  /**
   * `collate.terraform` for the actions: the environment's OpenTofu, the CLI configuration whose filesystem mirror
   * holds the providers the fixtures use (hashicorp/local, hashicorp/kubernetes), and `KUBE_CONFIG`, the kubernetes
   * provider's own variable, naming the kubeconfig Terraform has for the local cluster (never the backend's).
   */
  terraformConfig: () => {
    requireEnv('KUBE_CONFIG');
    return {
      binary: requireEnv('COLLATE_TEST_TOFU_BIN'),
      cliConfigFile: requireEnv('COLLATE_TEST_TF_CLI_CONFIG'),
      passEnv: ['KUBE_CONFIG'],
    };
  },
  /** The python of the virtualenv with the real Metaflow client (scripts/testenv/metaflow.sh). */
  metaflowPython: () => requireEnv('COLLATE_TEST_METAFLOW_PYTHON'),
  /** The python of a line's virtualenv with OpenMetadata's models and client (scripts/testenv/openmetadata.sh). */
  openMetadataPython: (line: string) =>
    `${requireEnv('COLLATE_TEST_OPENMETADATA_DIR')}/${line}/venv/bin/python`,
};

/** The name the local cluster has in Backstage config (`kubernetes.clusterLocatorMethods`). */
export const TEST_CLUSTER_NAME = 'local';

/** The admin kubeconfig of the local control plane, or of a fleet cluster by its name. */
export function adminKubeConfig(cluster = TEST_CLUSTER_NAME): KubeConfig {
  const kc = new KubeConfig();
  if (cluster === TEST_CLUSTER_NAME) {
    kc.loadFromFile(testEnv.kubernetes().kubeconfigPath);
    return kc;
  }
  const fleet = testEnv.fleetClusters().find(c => c.name === cluster);
  if (!fleet)
    throw new Error(
      `No cluster ${cluster} in the test environment: start it with scripts/testenv/testenv up fleet`,
    );
  kc.loadFromFile(fleet.kubeconfigPath);
  return kc;
}

/**
 * AWS SDK v3 client configuration for moto. Only configuration differs from production: endpoint, region and
 * static test credentials (moto accepts any).
 */
export function awsTestConfig() {
  return {
    endpoint: testEnv.awsEndpoint(),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

/**
 * Backstage's `kubernetes` config for the local cluster, the same shape a real deployment uses: a service
 * account token (the `backstage` service account) and the cluster CA. With `fleet`, the fleet's other clusters too,
 * each with its own service account's token.
 */
export function backstageKubernetesConfig(options: { fleet?: boolean } = {}) {
  const k = testEnv.kubernetes();
  const caData = readFileSync(k.caFile).toString('base64');
  return {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: TEST_CLUSTER_NAME,
            url: k.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: k.backstageToken,
            caData,
          },
          ...(options.fleet ? testEnv.fleetClusters() : []).map(c => ({
            name: c.name,
            url: c.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: c.backstageToken,
            caData,
          })),
        ],
      },
    ],
  };
}
