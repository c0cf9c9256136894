import {
  argoEndpointOfCollateValues,
  COLLATE_DEFAULTS,
  chartVersionForImageTag,
  collateServiceUrl,
  renderCollateValues,
} from './collate';
import { COLLATE_ENV_TABLE } from './collateEnv';

const common = {
  namespace: 'collate',
  search: {
    host: 'es.example',
    port: 9200,
    scheme: 'https' as const,
    searchType: 'opensearch' as const,
    username: 'es-user',
  },
  database: {
    engine: 'postgresql' as const,
    host: 'db.example',
    port: 5432,
    user: 'db-user',
  },
  argoServerUrl: 'http://argo-workflows-server.argo-workflows:2746',
  image: {
    repository: COLLATE_DEFAULTS.imageRepository,
    tag: COLLATE_DEFAULTS.imageTag,
  },
  ingestionImage: COLLATE_DEFAULTS.ingestionImage,
};
const azure = renderCollateValues({
  ...common,
  cloud: 'azure',
  azure: {
    serverClientId: 'server-client-id',
    storageAccountName: 'collate',
    container: 'assets',
  },
});
const aws = renderCollateValues({
  ...common,
  cloud: 'aws',
  aws: {
    serverRoleArn: 'arn:aws:iam::123456789012:role/collate-server-role',
    bucket: 'collate-assets',
    region: 'eu-west-1',
  },
});
const at = (values: unknown, path: string) =>
  path.split('.').reduce<any>((v, k) => v?.[k], values);
const env = (values: unknown) =>
  Object.fromEntries(
    (
      at(values, 'extraEnvs') as Array<{
        name: string;
        value?: string;
        valueFrom?: unknown;
      }>
    ).map(e => [e.name, e.value ?? e.valueFrom]),
  );

// Path, guide 000 (Azure), guide 001 (AWS).
const TABLE: Array<[string, unknown, unknown]> = [
  ['replicaCount', 1, 1],
  [
    'openmetadata.config.elasticsearch',
    {
      host: 'es.example',
      port: 9200,
      scheme: 'https',
      searchType: 'opensearch',
      auth: {
        enabled: true,
        username: 'es-user',
        password: { secretRef: 'es-credentials', secretKey: 'password' },
      },
    },
    'same',
  ],
  [
    'openmetadata.config.database',
    {
      host: 'db.example',
      port: 5432,
      driverClass: 'org.postgresql.Driver',
      dbScheme: 'postgresql',
      auth: {
        username: 'db-user',
        password: { secretRef: 'db-credentials', secretKey: 'password' },
      },
      dbParams: 'allowPublicKeyRetrieval=true&useSSL=true&serverTimezone=UTC',
    },
    'same',
  ],
  // The guides' flat className/apiEndpoint/auth, where chart 1.11.12 and later read them (README: departures).
  [
    'openmetadata.config.pipelineServiceClientConfig',
    {
      enabled: true,
      type: 'airflow',
      metadataApiEndpoint: 'http://openmetadata:8585/api',
      airflow: {
        className: 'io.collate.pipeline.argo.ArgoServiceClient',
        apiEndpoint: 'http://argo-workflows-server.argo-workflows:2746',
        auth: { enabled: false },
      },
    },
    'same',
  ],
  [
    'image',
    {
      repository:
        '118146679784.dkr.ecr.eu-west-1.amazonaws.com/collate-customers-eu-west-1',
      tag: 'om-1.12.3-cl-1.12.3',
      // The guides' image.imagePullPolicy is not a key of the chart (README: departures).
      pullPolicy: 'IfNotPresent',
    },
    'same',
  ],
  ['imagePullSecrets', [{ name: 'ecr-registry-creds' }], 'same'],
  [
    'serviceAccount',
    {
      name: 'openmetadata',
      annotations: { 'azure.workload.identity/client-id': 'server-client-id' },
    },
    {
      name: 'openmetadata',
      annotations: {
        'eks.amazonaws.com/role-arn':
          'arn:aws:iam::123456789012:role/collate-server-role',
      },
    },
  ],
  ['commonLabels', { 'azure.workload.identity/use': 'true' }, undefined],
  ['serviceMonitor', undefined, undefined],
];

const ENV_000 = {
  ARGO_NAMESPACE: 'collate',
  ARGO_TOKEN: {
    secretKeyRef: { name: 'om-role.service-account-token', key: 'token' },
  },
  ARGO_INGESTION_IMAGE:
    '118146679784.dkr.ecr.eu-west-1.amazonaws.com/collate-customers-ingestion-slim-eu-west-1:om-1.12.3-cl-1.12.3',
  ARGO_WORKFLOW_EXECUTOR_SERVICE_ACCOUNT_NAME: 'om-role',
  ARGO_IMAGE_PULL_SECRETS: 'ecr-registry-creds',
  ASSET_UPLOADER_PROVIDER: 'azure',
  ASSET_UPLOADER_MAX_FILE_SIZE: '10485760',
  ASSET_UPLOADER_AZURE_CONTAINER_NAME: 'assets',
  ASSET_UPLOADER_AZURE_BLOB_ENDPOINT: 'https://collate.blob.core.windows.net',
  ASSET_UPLOADER_AZURE_PREFIX_PATH: 'assets/collate',
};
const ENV_001 = {
  ...Object.fromEntries(
    Object.entries(ENV_000).filter(([k]) => k.startsWith('ARGO_')),
  ),
  ASSET_UPLOADER_PROVIDER: 's3',
  ASSET_UPLOADER_MAX_FILE_SIZE: '10485760',
  ASSET_UPLOADER_S3_BUCKET_NAME: 'collate-assets',
  ASSET_UPLOADER_S3_REGION: 'eu-west-1',
  ASSET_UPLOADER_S3_PREFIX_PATH: 'assets/collate',
};

describe('openmetadata values, value by value against the guides', () => {
  it.each(TABLE)('%s', (path, guide000, guide001) => {
    expect(at(azure, path)).toEqual(guide000);
    expect(at(aws, path)).toEqual(guide001 === 'same' ? guide000 : guide001);
  });

  it('sets the extraEnvs of guide 000 and guide 001', () => {
    expect(env(azure)).toEqual(ENV_000);
    expect(env(aws)).toEqual(ENV_001);
  });

  it("knows every variable of the guides' table, with the four required ones", () => {
    expect(Object.keys(COLLATE_ENV_TABLE)).toHaveLength(25);
    expect(
      Object.entries(COLLATE_ENV_TABLE)
        .filter(([, v]) => v.required)
        .map(([k]) => k)
        .sort(),
    ).toEqual([
      'ARGO_INGESTION_IMAGE',
      'ARGO_NAMESPACE',
      'ARGO_TOKEN',
      'ARGO_WORKFLOW_EXECUTOR_SERVICE_ACCOUNT_NAME',
    ]);
    expect(COLLATE_ENV_TABLE.ARGO_WORKFLOW_MEMORY_LIMIT.default).toBe('4096Mi');
  });

  it('takes further table variables and MySQL', () => {
    const v = renderCollateValues({
      ...common,
      cloud: 'aws',
      aws: { serverRoleArn: 'x', bucket: 'b', region: 'eu-west-1' },
      database: { ...common.database, engine: 'mysql', port: 3306 },
      env: { ARGO_WORKFLOW_MEMORY_LIMIT: '8192Mi' },
    });
    expect(env(v).ARGO_WORKFLOW_MEMORY_LIMIT).toBe('8192Mi');
    expect(at(v, 'openmetadata.config.database')).toMatchObject({
      driverClass: 'com.mysql.cj.jdbc.Driver',
      dbScheme: 'mysql',
    });
  });
});

describe('chart version and service URL', () => {
  it.each([
    ['om-1.12.3-cl-1.12.3', '1.12.3'],
    ['om-1.11.12-cl-1.11.12', '1.11.12'],
    ['1.12.3', '1.12.3'],
    ['latest', undefined],
    ['om-1.12', undefined],
  ])('image tag %s pins chart %s', (tag, version) => {
    expect(chartVersionForImageTag(tag)).toBe(version);
  });

  it('names the Service openmetadata whatever the release is called', () => {
    expect(collateServiceUrl('collate')).toBe(
      'http://openmetadata.collate:8585',
    );
  });
});

describe('argoEndpointOfCollateValues', () => {
  const withClient = (client: Record<string, unknown>) => ({
    openmetadata: { config: { pipelineServiceClientConfig: client } },
  });

  it('reads the Argo server these actions configure, as the guides do', () =>
    expect(argoEndpointOfCollateValues(aws)).toBe(
      'http://argo-workflows-server.argo-workflows:2746',
    ));

  it("reads the argoWorkflows client of chart 1.12.6 and later, with the chart's default endpoint", () => {
    expect(
      argoEndpointOfCollateValues(
        withClient({
          enabled: true,
          type: 'argoWorkflows',
          argoWorkflows: { apiEndpoint: 'http://argo-server.argo:2746' },
        }),
      ),
    ).toBe('http://argo-server.argo:2746');
    expect(
      argoEndpointOfCollateValues(
        withClient({ enabled: true, type: 'argoWorkflows' }),
      ),
    ).toBe('http://argo-workflows-server.argo-workflows.svc:2746');
  });

  it.each([
    [
      'Airflow',
      {
        enabled: true,
        type: 'airflow',
        airflow: {
          className:
            'org.openmetadata.service.clients.pipeline.airflow.AirflowRESTClient',
          apiEndpoint: 'http://airflow:8080',
        },
      },
    ],
    ['Kubernetes jobs', { enabled: true, type: 'k8s', k8s: {} }],
    ['no pipeline client', { enabled: false, type: 'argoWorkflows' }],
  ])('is undefined for %s', (_, client) =>
    expect(argoEndpointOfCollateValues(withClient(client))).toBeUndefined(),
  );
});
