import {
  COLLATE_GUIDE_CHART_PINS,
  openMetadataVersionOfImageTag,
} from '@collate-backstage/plugin-collate-common';

/** The Collate version of the guides: the openmetadata chart and the image tags follow it. */
const GUIDE_COLLATE = COLLATE_GUIDE_CHART_PINS.openmetadata;

/**
 * Helm values for the openmetadata chart 1.12.x with what guides 000 (Azure) and 001 (AWS) set, and the environment
 * variables of their ARGO_* / ASSET_UPLOADER_* table. Where the guides' YAML does not work on that chart the intent
 * is kept (README, "Where we depart from the guides"):
 * - since chart 1.11.12 the pipeline service client is configured under `pipelineServiceClientConfig.airflow`
 *   (`type: airflow`); the guides' flat className/apiEndpoint/auth would be ignored;
 * - the image pull policy is `image.pullPolicy` (the guides' `image.imagePullPolicy` is not a key of the chart).
 *
 * @public
 */
export const COLLATE_DEFAULTS = {
  namespace: 'collate',
  release: 'openmetadata',
  chart: 'openmetadata',
  repo: 'https://helm.open-metadata.org/',
  imageRepository:
    '118146679784.dkr.ecr.eu-west-1.amazonaws.com/collate-customers-eu-west-1',
  imageTag: `om-${GUIDE_COLLATE}-cl-${GUIDE_COLLATE}`,
  ingestionImage: `118146679784.dkr.ecr.eu-west-1.amazonaws.com/collate-customers-ingestion-slim-eu-west-1:om-${GUIDE_COLLATE}-cl-${GUIDE_COLLATE}`,
  argoServerUrl: 'http://argo-workflows-server.argo-workflows:2746',
  serviceAccount: 'openmetadata',
  pullSecret: 'ecr-registry-creds',
  ingestionServiceAccount: 'om-role',
  dbParams: 'allowPublicKeyRetrieval=true&useSSL=true&serverTimezone=UTC',
  timeoutSeconds: 900,
};

/** The chart's fullnameOverride is `openmetadata`: its Service has that name whatever the release is called. */
export const COLLATE_SERVICE_NAME = 'openmetadata';

/** The in-cluster URL of the Collate server installed by the openmetadata chart in a namespace. @public */
export function collateServiceUrl(namespace: string): string {
  return `http://${COLLATE_SERVICE_NAME}.${namespace}:8585`;
}

/**
 * The openmetadata chart version that matches a Collate image tag: the chart is versioned with the app, and Collate's
 * tags name the OpenMetadata version (`om-1.12.3-cl-1.12.3` → 1.12.3; a plain `1.12.3` → 1.12.3).
 *
 * @public
 */
export function chartVersionForImageTag(tag: string): string | undefined {
  return openMetadataVersionOfImageTag(tag);
}

/** @public */
export interface CollateValuesInput {
  cloud: 'azure' | 'aws';
  namespace: string;
  azure?: {
    serverClientId: string;
    storageAccountName: string;
    container: string;
  };
  aws?: { serverRoleArn: string; bucket: string; region: string };
  search: {
    host: string;
    port: number;
    scheme: 'http' | 'https';
    searchType: 'opensearch' | 'elasticsearch';
    username?: string;
  };
  database: {
    engine: 'postgresql' | 'mysql';
    host: string;
    port: number;
    user: string;
    params?: string;
  };
  argoServerUrl: string;
  image: { repository: string; tag: string };
  ingestionImage: string;
  /** Further variables of the table, by name. */
  env?: Record<string, string>;
  /** Variables of `env` given through a Secret (`secretKeyRef`), never as a value: the Secret's name and keys. */
  envSecret?: { name: string; keys: string[] };
  serviceMonitor?: boolean;
}

type EnvVar = { name: string; value?: string; valueFrom?: unknown };

/** @public */
export function renderCollateValues(
  input: CollateValuesInput,
): Record<string, unknown> {
  const mysql = input.database.engine === 'mysql';
  const env: EnvVar[] = [
    { name: 'ARGO_NAMESPACE', value: input.namespace },
    {
      name: 'ARGO_TOKEN',
      valueFrom: {
        secretKeyRef: {
          name: `${COLLATE_DEFAULTS.ingestionServiceAccount}.service-account-token`,
          key: 'token',
        },
      },
    },
    { name: 'ARGO_INGESTION_IMAGE', value: input.ingestionImage },
    {
      name: 'ARGO_WORKFLOW_EXECUTOR_SERVICE_ACCOUNT_NAME',
      value: COLLATE_DEFAULTS.ingestionServiceAccount,
    },
    { name: 'ARGO_IMAGE_PULL_SECRETS', value: COLLATE_DEFAULTS.pullSecret },
    ...(input.cloud === 'azure'
      ? [
          { name: 'ASSET_UPLOADER_PROVIDER', value: 'azure' },
          { name: 'ASSET_UPLOADER_MAX_FILE_SIZE', value: '10485760' },
          {
            name: 'ASSET_UPLOADER_AZURE_CONTAINER_NAME',
            value: input.azure!.container,
          },
          {
            name: 'ASSET_UPLOADER_AZURE_BLOB_ENDPOINT',
            value: `https://${
              input.azure!.storageAccountName
            }.blob.core.windows.net`,
          },
          { name: 'ASSET_UPLOADER_AZURE_PREFIX_PATH', value: 'assets/collate' },
        ]
      : [
          { name: 'ASSET_UPLOADER_PROVIDER', value: 's3' },
          { name: 'ASSET_UPLOADER_MAX_FILE_SIZE', value: '10485760' },
          { name: 'ASSET_UPLOADER_S3_BUCKET_NAME', value: input.aws!.bucket },
          { name: 'ASSET_UPLOADER_S3_REGION', value: input.aws!.region },
          { name: 'ASSET_UPLOADER_S3_PREFIX_PATH', value: 'assets/collate' },
        ]),
  ];
  for (const [name, value] of Object.entries(input.env ?? {})) {
    const entry: EnvVar = input.envSecret?.keys.includes(name)
      ? {
          name,
          valueFrom: {
            secretKeyRef: { name: input.envSecret.name, key: name },
          },
        }
      : { name, value };
    const existing = env.find(e => e.name === name);
    if (existing)
      Object.assign(
        existing,
        { value: undefined, valueFrom: undefined },
        entry,
      );
    else env.push(entry);
  }
  return {
    replicaCount: 1,
    openmetadata: {
      config: {
        elasticsearch: {
          host: input.search.host,
          port: input.search.port,
          scheme: input.search.scheme,
          searchType: input.search.searchType,
          auth: input.search.username
            ? {
                enabled: true,
                username: input.search.username,
                password: {
                  secretRef: 'es-credentials',
                  secretKey: 'password',
                },
              }
            : { enabled: false },
        },
        database: {
          host: input.database.host,
          port: input.database.port,
          driverClass: mysql
            ? 'com.mysql.cj.jdbc.Driver'
            : 'org.postgresql.Driver',
          dbScheme: mysql ? 'mysql' : 'postgresql',
          auth: {
            username: input.database.user,
            password: { secretRef: 'db-credentials', secretKey: 'password' },
          },
          dbParams: input.database.params ?? COLLATE_DEFAULTS.dbParams,
        },
        pipelineServiceClientConfig: {
          enabled: true,
          type: 'airflow',
          metadataApiEndpoint: `http://${COLLATE_SERVICE_NAME}:8585/api`,
          airflow: {
            className: 'io.collate.pipeline.argo.ArgoServiceClient',
            apiEndpoint: input.argoServerUrl,
            auth: { enabled: false },
          },
        },
      },
    },
    image: {
      repository: input.image.repository,
      tag: input.image.tag,
      pullPolicy: 'IfNotPresent',
    },
    imagePullSecrets: [{ name: COLLATE_DEFAULTS.pullSecret }],
    extraEnvs: env.map(e => JSON.parse(JSON.stringify(e))),
    serviceAccount: {
      name: COLLATE_DEFAULTS.serviceAccount,
      annotations:
        input.cloud === 'azure'
          ? { 'azure.workload.identity/client-id': input.azure!.serverClientId }
          : { 'eks.amazonaws.com/role-arn': input.aws!.serverRoleArn },
    },
    ...(input.cloud === 'azure'
      ? { commonLabels: { 'azure.workload.identity/use': 'true' } }
      : {}),
    ...(input.serviceMonitor ? { serviceMonitor: { enabled: true } } : {}),
  };
}

/**
 * The Argo server a Collate release's values point its pipeline service client at: `airflow.apiEndpoint` with the
 * Argo client class (how these actions and the guides configure it), or the `argoWorkflows` client's endpoint
 * (chart 1.12.6 and later). Undefined when the release does not run its ingestion on Argo.
 */
export function argoEndpointOfCollateValues(
  values: Record<string, unknown>,
): string | undefined {
  const client = (values as any)?.openmetadata?.config
    ?.pipelineServiceClientConfig;
  if (!client || client.enabled === false) return undefined;
  if (client.type === 'argoWorkflows')
    return (
      client.argoWorkflows?.apiEndpoint ??
      'http://argo-workflows-server.argo-workflows.svc:2746'
    );
  if (
    (client.type ?? 'airflow') === 'airflow' &&
    client.airflow?.className === 'io.collate.pipeline.argo.ArgoServiceClient'
  )
    return client.airflow.apiEndpoint;
  return undefined;
}
