/**
 * Every value the guides' values files set (000 Azure, 001 AWS, 002 Hybrid Runner), rendered by `helm template`
 * with the values our render functions produce, and found in the manifest where the chart puts it: ServiceAccount
 * annotations, pod labels, container args and env, the Argo controller ConfigMap, the Secrets the openmetadata
 * server reads its settings from.
 *
 * The charts are this repository's fixture charts (packages/testenv/charts), written to the upstream charts'
 * contract. Set COLLATE_UPSTREAM_CHARTS to a folder holding the real argo-workflows, openmetadata and
 * hybrid-ingestion-runner chart directories (with the runner's argo-workflows dependency in its charts/) to run the
 * same table against the real charts.
 */
import {
  chartPath,
  publishFixtureChart,
  type FixtureChart,
} from '@internal/testenv';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import { ARGO_KEY_FORMAT, renderArgoValues } from './argo';
import { COLLATE_DEFAULTS, renderCollateValues } from './collate';
import { renderRunnerValues } from './runner';
import { AWS_MIN } from '../../../__testUtils__/argo';
import { compareChartVersions } from '@collate-backstage/plugin-collate-common';

const UPSTREAM = process.env.COLLATE_UPSTREAM_CHARTS;
const chart = (name: FixtureChart) =>
  UPSTREAM ? join(UPSTREAM, name) : chartPath(name);

type K8sObject = {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: any;
};

/** A rendered chart: its objects, looked up by kind and name. */
class Manifest {
  constructor(readonly objects: K8sObject[]) {}

  get(kind: string, name: string): K8sObject {
    const found = this.objects.find(
      o => o.kind === kind && o.metadata.name === name,
    );
    if (!found)
      throw new Error(
        `no ${kind} ${name}; rendered: ${this.objects
          .map(o => `${o.kind}/${o.metadata.name}`)
          .join(', ')}`,
      );
    return found;
  }

  has(kind: string, name: string): boolean {
    return this.objects.some(o => o.kind === kind && o.metadata.name === name);
  }

  pod(deployment: string) {
    return this.get('Deployment', deployment).spec.template;
  }

  container(deployment: string, index = 0) {
    return this.pod(deployment).spec.containers[index];
  }

  /** A container's env: value, or valueFrom for references. */
  env(deployment: string): Record<string, unknown> {
    return Object.fromEntries(
      (this.container(deployment).env ?? []).map((e: any) => [
        e.name,
        e.value ?? e.valueFrom,
      ]),
    );
  }

  /** A Secret's data, decoded; the openmetadata chart quotes some values before encoding them, unquoted here. */
  secret(name: string): Record<string, string> {
    return Object.fromEntries(
      Object.entries(this.get('Secret', name).data ?? {}).map(([k, v]) => [
        k,
        Buffer.from(String(v), 'base64')
          .toString()
          .replace(/^"(.*)"$/, '$1'),
      ]),
    );
  }

  /** The workflow controller's configuration: the one `config` key of its ConfigMap. */
  argoConfig(configMap = 'argo-workflows-workflow-controller-configmap'): any {
    return parseYaml(this.get('ConfigMap', configMap).data.config);
  }
}

function render(
  name: FixtureChart | { dir: string },
  release: string,
  namespace: string,
  values: unknown,
  extraArgs: string[] = [],
): Manifest {
  const dir = mkdtempSync(join(tmpdir(), 'collate-charts-'));
  try {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, stringify(values));
    const out = execFileSync(
      'helm',
      [
        'template',
        release,
        typeof name === 'string' ? chart(name) : name.dir,
        '--namespace',
        namespace,
        '--values',
        file,
        ...extraArgs,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return new Manifest(
      parseAllDocuments(out)
        .map(d => d.toJS() as K8sObject)
        .filter(o => o?.kind),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The helm error for values a chart rejects. */
function renderError(
  name: FixtureChart | { dir: string },
  values: unknown,
): string | undefined {
  try {
    render(name, 'openmetadata', 'default', values);
    return undefined;
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e);
  }
}

type Row = [string, unknown, (m: Manifest) => unknown];

const ARGO_IDS = {
  controllerClientId: '11111111-1111-4111-8111-111111111111',
  serverClientId: '22222222-2222-4222-8222-222222222222',
  controllerRoleArn:
    'arn:aws:iam::123456789012:role/collate-argo-controller-role',
  serverRoleArn: 'arn:aws:iam::123456789012:role/collate-argo-server-role',
};
const ARCHIVE = { host: 'collate-db.example', database: 'argo' };

const argoAzure = render(
  'argo-workflows',
  'argo-workflows',
  'argo-workflows',
  renderArgoValues({
    cloud: 'azure',
    azure: {
      controllerClientId: ARGO_IDS.controllerClientId,
      serverClientId: ARGO_IDS.serverClientId,
      storageEndpoint: 'https://collatestore.blob.core.windows.net/',
      container: 'argo-workflows',
    },
    persistence: ARCHIVE,
  }),
);
const argoAws = render(
  'argo-workflows',
  'argo-workflows',
  'argo-workflows',
  renderArgoValues({
    cloud: 'aws',
    aws: {
      controllerRoleArn: ARGO_IDS.controllerRoleArn,
      serverRoleArn: ARGO_IDS.serverRoleArn,
      bucket: 'collate-argo-artifacts-eu-west-1',
      region: 'eu-west-1',
    },
    persistence: ARCHIVE,
  }),
);

const CONTROLLER = 'argo-workflows-workflow-controller';
const SERVER = 'argo-workflows-server';
const saAnnotation = (name: string, key: string) => (m: Manifest) =>
  m.get('ServiceAccount', name).metadata.annotations?.[key];
/** One key of a Secret the chart generates, decoded. */
const secretAt = (secret: string, key: string) => (m: Manifest) =>
  m.secret(secret)[key];
/** One variable of a Deployment's first container: its value, or valueFrom. */
const envAt = (deployment: string, name: string) => (m: Manifest) =>
  m.env(deployment)[name];
/** A dot path into the workflow controller's configuration. */
const argoConfigAt = (path: string) => (m: Manifest) =>
  path.split('.').reduce<any>((v, k) => v?.[k], m.argoConfig());

// Rows common to both guides' argo-workflows.values.yml.
const ARGO_COMMON: Row[] = [
  [
    'controller.serviceAccount.name',
    'argo-workflows-controller-sa',
    m => m.pod(CONTROLLER).spec.serviceAccountName,
  ],
  [
    'controller.serviceAccount.create',
    'argo-workflows-controller-sa',
    m => m.get('ServiceAccount', 'argo-workflows-controller-sa').metadata.name,
  ],
  [
    'controller.name',
    'workflow-controller',
    m =>
      m.get('Deployment', CONTROLLER).metadata.labels?.[
        'app.kubernetes.io/component'
      ],
  ],
  [
    'server.serviceAccount.name',
    'argo-workflows-server-sa',
    m => m.pod(SERVER).spec.serviceAccountName,
  ],
  [
    'server.serviceAccount.create',
    'argo-workflows-server-sa',
    m => m.get('ServiceAccount', 'argo-workflows-server-sa').metadata.name,
  ],
  [
    'server.extraArgs',
    ['--auth-mode=server', '--request-timeout=5m'],
    m =>
      m
        .container(SERVER)
        .args.filter((a: string) => /^--(auth-mode|request-timeout)/.test(a)),
  ],
  ['persistence.archive', true, argoConfigAt('persistence.archive')],
  [
    'persistence.postgresql.host',
    ARCHIVE.host,
    argoConfigAt('persistence.postgresql.host'),
  ],
  [
    'persistence.postgresql.database',
    ARCHIVE.database,
    argoConfigAt('persistence.postgresql.database'),
  ],
  [
    'persistence.postgresql.tableName',
    'argo_workflows',
    argoConfigAt('persistence.postgresql.tableName'),
  ],
  [
    'persistence.postgresql.userNameSecret',
    { name: 'argo-db-credentials', key: 'username' },
    argoConfigAt('persistence.postgresql.userNameSecret'),
  ],
  [
    'persistence.postgresql.passwordSecret',
    { name: 'argo-db-credentials', key: 'password' },
    argoConfigAt('persistence.postgresql.passwordSecret'),
  ],
  [
    'persistence.postgresql.ssl',
    true,
    argoConfigAt('persistence.postgresql.ssl'),
  ],
  [
    'persistence.postgresql.sslMode',
    'require',
    argoConfigAt('persistence.postgresql.sslMode'),
  ],
  [
    'artifactRepository.archiveLogs',
    true,
    argoConfigAt('artifactRepository.archiveLogs'),
  ],
  [
    'server URL (Service <fullname>-server:2746)',
    2746,
    m => m.get('Service', SERVER).spec.ports[0].port,
  ],
];

const ARGO_000: Row[] = [
  ...ARGO_COMMON,
  [
    'controller.serviceAccount.annotations azure.workload.identity/client-id',
    ARGO_IDS.controllerClientId,
    saAnnotation(
      'argo-workflows-controller-sa',
      'azure.workload.identity/client-id',
    ),
  ],
  [
    'controller.podLabels azure.workload.identity/use',
    'true',
    m => m.pod(CONTROLLER).metadata.labels['azure.workload.identity/use'],
  ],
  [
    'controller.workflowDefaults.spec.podMetadata.labels',
    { 'azure.workload.identity/use': 'true' },
    argoConfigAt('workflowDefaults.spec.podMetadata.labels'),
  ],
  [
    'server.serviceAccount.annotations azure.workload.identity/client-id',
    ARGO_IDS.serverClientId,
    saAnnotation(
      'argo-workflows-server-sa',
      'azure.workload.identity/client-id',
    ),
  ],
  [
    'server.podLabels azure.workload.identity/use',
    'true',
    m => m.pod(SERVER).metadata.labels['azure.workload.identity/use'],
  ],
  [
    'artifactRepository.azure.endpoint',
    'https://collatestore.blob.core.windows.net/',
    argoConfigAt('artifactRepository.azure.endpoint'),
  ],
  [
    'artifactRepository.azure.container',
    'argo-workflows',
    argoConfigAt('artifactRepository.azure.container'),
  ],
  [
    'artifactRepository.azure.blobNameFormat',
    ARGO_KEY_FORMAT,
    argoConfigAt('artifactRepository.azure.blobNameFormat'),
  ],
  [
    'artifactRepository.azure.useSDKCreds',
    true,
    argoConfigAt('artifactRepository.azure.useSDKCreds'),
  ],
  [
    'useStaticCredentials: false (no account key)',
    undefined,
    argoConfigAt('artifactRepository.azure.accountKeySecret'),
  ],
];

const ARGO_001: Row[] = [
  ...ARGO_COMMON,
  [
    'controller.serviceAccount.annotations eks.amazonaws.com/role-arn',
    ARGO_IDS.controllerRoleArn,
    saAnnotation('argo-workflows-controller-sa', 'eks.amazonaws.com/role-arn'),
  ],
  [
    'controller.workflowDefaults.spec.serviceAccountName',
    'om-role',
    argoConfigAt('workflowDefaults.spec.serviceAccountName'),
  ],
  [
    'server.serviceAccount.annotations eks.amazonaws.com/role-arn',
    ARGO_IDS.serverRoleArn,
    saAnnotation('argo-workflows-server-sa', 'eks.amazonaws.com/role-arn'),
  ],
  [
    'artifactRepository.s3.endpoint',
    's3.amazonaws.com',
    argoConfigAt('artifactRepository.s3.endpoint'),
  ],
  [
    'artifactRepository.s3.bucket',
    'collate-argo-artifacts-eu-west-1',
    argoConfigAt('artifactRepository.s3.bucket'),
  ],
  [
    'artifactRepository.s3.keyFormat',
    ARGO_KEY_FORMAT,
    argoConfigAt('artifactRepository.s3.keyFormat'),
  ],
  [
    'artifactRepository.s3.insecure',
    false,
    argoConfigAt('artifactRepository.s3.insecure'),
  ],
  [
    'artifactRepository.s3.region',
    'eu-west-1',
    argoConfigAt('artifactRepository.s3.region'),
  ],
  [
    'artifactRepository.s3.encryptionOptions',
    { enableEncryption: true },
    argoConfigAt('artifactRepository.s3.encryptionOptions'),
  ],
  [
    'useStaticCredentials: false (no access keys)',
    undefined,
    argoConfigAt('artifactRepository.s3.accessKeySecret'),
  ],
];

describe('argo-workflows chart: guide 000 (Azure) values where the chart puts them', () => {
  it.each(ARGO_000)('%s', (_label, expected, locate) => {
    expect(locate(argoAzure)).toEqual(expected);
  });
});

describe('argo-workflows chart: guide 001 (AWS) values where the chart puts them', () => {
  it.each(ARGO_001)('%s', (_label, expected, locate) => {
    expect(locate(argoAws)).toEqual(expected);
  });
});

describe('argo-workflows chart: names, metrics, and values it does not take', () => {
  it("names objects by the chart's fullname rule", () => {
    const m = render('argo-workflows', 'argo', 'wf', renderArgoValues(AWS_MIN));
    expect(m.has('Service', 'argo-argo-workflows-server')).toBe(true);
    expect(m.has('Deployment', 'argo-argo-workflows-workflow-controller')).toBe(
      true,
    );
    expect(
      m.has('ConfigMap', 'argo-argo-workflows-workflow-controller-configmap'),
    ).toBe(true);
  });

  it("renders the controller's ServiceMonitor when asked, where the Prometheus Operator is installed", () => {
    const values = renderArgoValues({ ...AWS_MIN, serviceMonitor: true });
    const m = render('argo-workflows', 'argo-workflows', 'argo', values, [
      '--api-versions',
      'monitoring.coreos.com/v1',
    ]);
    expect(m.get('ServiceMonitor', CONTROLLER).spec.endpoints[0].path).toBe(
      '/metrics',
    );
    expect(m.argoConfig().metricsConfig.enabled).toBe(true);
  });

  it("fails on the guide's unescaped blobNameFormat, as the real chart does", () => {
    const values = renderArgoValues({
      cloud: 'azure',
      azure: {
        controllerClientId: ARGO_IDS.controllerClientId,
        serverClientId: ARGO_IDS.serverClientId,
        storageEndpoint: 'https://collatestore.blob.core.windows.net/',
        container: 'argo-workflows',
      },
    }) as any;
    values.artifactRepository.azure.blobNameFormat = ARGO_KEY_FORMAT;
    expect(renderError('argo-workflows', values)).toMatch(
      /function "workflow" not defined/,
    );
  });

  it("ignores the guides' server.serviceMonitor and controller.serviceMonitor without metricsConfig", () => {
    const values = {
      ...renderArgoValues(AWS_MIN),
    } as any;
    values.controller.serviceMonitor = { enabled: true };
    values.server.serviceMonitor = { enabled: true };
    const m = render('argo-workflows', 'argo-workflows', 'argo', values, [
      '--api-versions',
      'monitoring.coreos.com/v1',
    ]);
    expect(m.objects.filter(o => o.kind === 'ServiceMonitor')).toEqual([]);
  });
});

// openmetadata.values.yml of guides 000 and 001.
const SEARCH = {
  host: 'search.example',
  port: 9200,
  scheme: 'https' as const,
  searchType: 'opensearch' as const,
  username: 'admin',
};
const DATABASE = {
  engine: 'postgresql' as const,
  host: 'db.example',
  port: 5432,
  user: 'collate',
};
const SERVER_ID = '33333333-3333-4333-8333-333333333333';
const SERVER_ROLE = 'arn:aws:iam::123456789012:role/collate-server-role';
const collateCommon = {
  namespace: 'collate',
  search: SEARCH,
  database: DATABASE,
  argoServerUrl: 'http://argo-workflows-server.argo-workflows:2746',
  image: {
    repository: COLLATE_DEFAULTS.imageRepository,
    tag: COLLATE_DEFAULTS.imageTag,
  },
  ingestionImage: COLLATE_DEFAULTS.ingestionImage,
};
const collateAzure = render(
  'openmetadata',
  'openmetadata',
  'collate',
  renderCollateValues({
    ...collateCommon,
    cloud: 'azure',
    azure: {
      serverClientId: SERVER_ID,
      storageAccountName: 'collatestore',
      container: 'collate-assets',
    },
  }),
);
const collateAws = render(
  'openmetadata',
  'openmetadata',
  'collate',
  renderCollateValues({
    ...collateCommon,
    cloud: 'aws',
    aws: {
      serverRoleArn: SERVER_ROLE,
      bucket: 'collate-assets',
      region: 'eu-west-1',
    },
  }),
);

const OM = 'openmetadata';
const COLLATE_COMMON: Row[] = [
  ['replicaCount', 1, m => m.get('Deployment', OM).spec.replicas],
  [
    'elasticsearch.host',
    SEARCH.host,
    secretAt('openmetadata-search-secret', 'ELASTICSEARCH_HOST'),
  ],
  [
    'elasticsearch.port',
    '9200',
    secretAt('openmetadata-search-secret', 'ELASTICSEARCH_PORT'),
  ],
  [
    'elasticsearch.scheme',
    'https',
    secretAt('openmetadata-search-secret', 'ELASTICSEARCH_SCHEME'),
  ],
  [
    'elasticsearch.searchType',
    'opensearch',
    secretAt('openmetadata-search-secret', 'SEARCH_TYPE'),
  ],
  [
    'elasticsearch.auth.username',
    'admin',
    secretAt('openmetadata-search-secret', 'ELASTICSEARCH_USER'),
  ],
  [
    'elasticsearch.auth.password (es-credentials)',
    { secretKeyRef: { name: 'es-credentials', key: 'password' } },
    envAt(OM, 'ELASTICSEARCH_PASSWORD'),
  ],
  [
    'database.host',
    DATABASE.host,
    secretAt('openmetadata-db-secret', 'DB_HOST'),
  ],
  ['database.port', '5432', secretAt('openmetadata-db-secret', 'DB_PORT')],
  [
    'database.driverClass',
    'org.postgresql.Driver',
    secretAt('openmetadata-db-secret', 'DB_DRIVER_CLASS'),
  ],
  [
    'database.dbScheme',
    'postgresql',
    secretAt('openmetadata-db-secret', 'DB_SCHEME'),
  ],
  [
    'database.auth.username',
    'collate',
    secretAt('openmetadata-db-secret', 'DB_USER'),
  ],
  [
    'database.auth.password (db-credentials)',
    { secretKeyRef: { name: 'db-credentials', key: 'password' } },
    envAt(OM, 'DB_USER_PASSWORD'),
  ],
  [
    'database.dbParams',
    'allowPublicKeyRetrieval=true&useSSL=true&serverTimezone=UTC',
    secretAt('openmetadata-db-secret', 'DB_PARAMS'),
  ],
  [
    'pipelineServiceClientConfig.className',
    'io.collate.pipeline.argo.ArgoServiceClient',
    secretAt(
      'openmetadata-pipeline-secret',
      'PIPELINE_SERVICE_CLIENT_CLASS_NAME',
    ),
  ],
  [
    'pipelineServiceClientConfig.apiEndpoint',
    'http://argo-workflows-server.argo-workflows:2746',
    secretAt(
      'openmetadata-pipeline-secret',
      'PIPELINE_SERVICE_CLIENT_ENDPOINT',
    ),
  ],
  [
    'pipelineServiceClientConfig.metadataApiEndpoint',
    'http://openmetadata:8585/api',
    secretAt('openmetadata-pipeline-secret', 'SERVER_HOST_API_URL'),
  ],
  [
    'pipelineServiceClientConfig.auth.enabled: false (no Airflow password)',
    undefined,
    envAt(OM, 'AIRFLOW_PASSWORD'),
  ],
  [
    'image.repository and image.tag',
    `${COLLATE_DEFAULTS.imageRepository}:om-1.12.3-cl-1.12.3`,
    m => m.container(OM).image,
  ],
  [
    'image.imagePullPolicy',
    'IfNotPresent',
    m => m.container(OM).imagePullPolicy,
  ],
  [
    'imagePullSecrets',
    [{ name: 'ecr-registry-creds' }],
    m => m.pod(OM).spec.imagePullSecrets,
  ],
  ['extraEnvs ARGO_NAMESPACE', 'collate', envAt(OM, 'ARGO_NAMESPACE')],
  [
    'extraEnvs ARGO_TOKEN',
    { secretKeyRef: { name: 'om-role.service-account-token', key: 'token' } },
    envAt(OM, 'ARGO_TOKEN'),
  ],
  [
    'extraEnvs ARGO_INGESTION_IMAGE',
    COLLATE_DEFAULTS.ingestionImage,
    envAt(OM, 'ARGO_INGESTION_IMAGE'),
  ],
  [
    'extraEnvs ARGO_WORKFLOW_EXECUTOR_SERVICE_ACCOUNT_NAME',
    'om-role',
    envAt(OM, 'ARGO_WORKFLOW_EXECUTOR_SERVICE_ACCOUNT_NAME'),
  ],
  [
    'extraEnvs ARGO_IMAGE_PULL_SECRETS',
    'ecr-registry-creds',
    envAt(OM, 'ARGO_IMAGE_PULL_SECRETS'),
  ],
  [
    'extraEnvs ASSET_UPLOADER_MAX_FILE_SIZE',
    '10485760',
    envAt(OM, 'ASSET_UPLOADER_MAX_FILE_SIZE'),
  ],
  [
    'extraEnvs reach the migration init container too',
    'collate',
    m =>
      m
        .pod(OM)
        .spec.initContainers.find((c: any) => c.name === 'run-db-migrations')
        .env.find((e: any) => e.name === 'ARGO_NAMESPACE').value,
  ],
  [
    'serviceAccount.name',
    'openmetadata',
    m => m.pod(OM).spec.serviceAccountName,
  ],
  [
    'Service openmetadata on 8585',
    8585,
    m => m.get('Service', OM).spec.ports[0].port,
  ],
];

const COLLATE_000: Row[] = [
  ...COLLATE_COMMON,
  [
    'extraEnvs ASSET_UPLOADER_PROVIDER',
    'azure',
    envAt(OM, 'ASSET_UPLOADER_PROVIDER'),
  ],
  [
    'extraEnvs ASSET_UPLOADER_AZURE_CONTAINER_NAME',
    'collate-assets',
    envAt(OM, 'ASSET_UPLOADER_AZURE_CONTAINER_NAME'),
  ],
  [
    'extraEnvs ASSET_UPLOADER_AZURE_BLOB_ENDPOINT',
    'https://collatestore.blob.core.windows.net',
    envAt(OM, 'ASSET_UPLOADER_AZURE_BLOB_ENDPOINT'),
  ],
  [
    'extraEnvs ASSET_UPLOADER_AZURE_PREFIX_PATH',
    'assets/collate',
    envAt(OM, 'ASSET_UPLOADER_AZURE_PREFIX_PATH'),
  ],
  [
    'serviceAccount.annotations azure.workload.identity/client-id',
    SERVER_ID,
    saAnnotation('openmetadata', 'azure.workload.identity/client-id'),
  ],
  [
    'commonLabels azure.workload.identity/use (server pod)',
    'true',
    m => m.pod(OM).metadata.labels['azure.workload.identity/use'],
  ],
];

const COLLATE_001: Row[] = [
  ...COLLATE_COMMON,
  [
    'extraEnvs ASSET_UPLOADER_PROVIDER',
    's3',
    envAt(OM, 'ASSET_UPLOADER_PROVIDER'),
  ],
  [
    'extraEnvs ASSET_UPLOADER_S3_BUCKET_NAME',
    'collate-assets',
    envAt(OM, 'ASSET_UPLOADER_S3_BUCKET_NAME'),
  ],
  [
    'extraEnvs ASSET_UPLOADER_S3_REGION',
    'eu-west-1',
    envAt(OM, 'ASSET_UPLOADER_S3_REGION'),
  ],
  [
    'extraEnvs ASSET_UPLOADER_S3_PREFIX_PATH',
    'assets/collate',
    envAt(OM, 'ASSET_UPLOADER_S3_PREFIX_PATH'),
  ],
  [
    'serviceAccount.annotations eks.amazonaws.com/role-arn',
    SERVER_ROLE,
    saAnnotation('openmetadata', 'eks.amazonaws.com/role-arn'),
  ],
];

describe('openmetadata chart: guide 000 (Azure) values where the chart puts them', () => {
  it.each(COLLATE_000)('%s', (_label, expected, locate) => {
    expect(locate(collateAzure)).toEqual(expected);
  });
});

describe('openmetadata chart: guide 001 (AWS) values where the chart puts them', () => {
  it.each(COLLATE_001)('%s', (_label, expected, locate) => {
    expect(locate(collateAws)).toEqual(expected);
  });
});

describe("openmetadata chart: the guides' YAML as written", () => {
  // The guides' values, literally: pipelineServiceClientConfig flat and image.imagePullPolicy.
  const asWritten = renderCollateValues({
    ...collateCommon,
    cloud: 'aws',
    aws: { serverRoleArn: SERVER_ROLE, bucket: 'b', region: 'eu-west-1' },
  }) as any;
  asWritten.openmetadata.config.pipelineServiceClientConfig = {
    className: 'io.collate.pipeline.argo.ArgoServiceClient',
    apiEndpoint: 'http://argo-workflows-server.argo-workflows:2746',
    metadataApiEndpoint: 'http://openmetadata:8585/api',
    auth: { enabled: false },
  };
  asWritten.image = {
    repository: COLLATE_DEFAULTS.imageRepository,
    tag: COLLATE_DEFAULTS.imageTag,
    imagePullPolicy: 'IfNotPresent',
  };
  const m = render('openmetadata', 'openmetadata', 'collate', asWritten);
  const rows = Object.fromEntries(
    COLLATE_001.map(([label, ...rest]) => [label, rest]),
  );

  it.each([
    'pipelineServiceClientConfig.className',
    'pipelineServiceClientConfig.apiEndpoint',
    'pipelineServiceClientConfig.auth.enabled: false (no Airflow password)',
    'image.imagePullPolicy',
  ])('does not take %s from a key the chart does not read', label => {
    const [expected, locate] = rows[label] as [
      unknown,
      (m: Manifest) => unknown,
    ];
    // The same check that passes for our values fails here: the chart ignored the value.
    expect(() => expect(locate(m)).toEqual(expected)).toThrow();
  });

  it('falls back to Airflow with a password from a secret nobody creates', () => {
    expect(
      m.secret('openmetadata-pipeline-secret')
        .PIPELINE_SERVICE_CLIENT_CLASS_NAME,
    ).toBe(
      'org.openmetadata.service.clients.pipeline.airflow.AirflowRESTClient',
    );
    expect(m.env(OM).AIRFLOW_PASSWORD).toEqual({
      secretKeyRef: {
        name: 'airflow-secrets',
        key: 'openmetadata-airflow-password',
      },
    });
    expect(m.container(OM).imagePullPolicy).toBe('Always');
  });

  it('takes credential variables from the release env Secret: a secretKeyRef in the pod, no value anywhere', () => {
    const credential =
      'DefaultEndpointsProtocol=https;AccountKey=not-in-values==';
    const values = renderCollateValues({
      ...collateCommon,
      cloud: 'aws',
      aws: { serverRoleArn: SERVER_ROLE, bucket: 'b', region: 'eu-west-1' },
      env: { ASSET_UPLOADER_AZURE_CONNECTION_STRING: credential },
      envSecret: {
        name: 'openmetadata-env',
        keys: ['ASSET_UPLOADER_AZURE_CONNECTION_STRING'],
      },
    });
    expect(JSON.stringify(values)).not.toContain(credential);
    const rendered = render('openmetadata', 'openmetadata', 'collate', values);
    expect(
      envAt(OM, 'ASSET_UPLOADER_AZURE_CONNECTION_STRING')(rendered),
    ).toEqual({
      secretKeyRef: {
        name: 'openmetadata-env',
        key: 'ASSET_UPLOADER_AZURE_CONNECTION_STRING',
      },
    });
  });

  it('names the Service openmetadata whatever the release is called', () => {
    const other = render(
      'openmetadata',
      'collate-prod',
      'collate',
      renderCollateValues({
        ...collateCommon,
        cloud: 'aws',
        aws: { serverRoleArn: SERVER_ROLE, bucket: 'b', region: 'eu-west-1' },
      }),
    );
    expect(other.has('Service', 'openmetadata')).toBe(true);
  });
});

// Guide 002: the Hybrid Runner on AKS with Azure Key Vault through workload identity.
const INGESTION_ID = '44444444-4444-4444-8444-444444444444';
const runnerAks = render(
  'hybrid-ingestion-runner',
  'hybrid-ingestion-runner',
  'hybrid-ingestion-runner',
  renderRunnerValues({
    agentId: 'aks-runner',
    serverUrl: 'https://acme.getcollate.io',
    authTokenSecret: 'hybrid-ingestion-runner-auth',
    secretsManager: 'azure-kv',
    azureKeyVault: { vaultName: 'collate-kv', clientId: INGESTION_ID },
    argo: { install: true, namespace: 'argo-workflows' },
    pullSecret: 'ecr-registry-creds',
  }),
);
const RUNNER = 'hybrid-ingestion-runner';
const RUNNER_002: Row[] = [
  ['config.agentId', 'aks-runner', envAt(RUNNER, 'AGENT_ID')],
  [
    'config.serverHost (websocket)',
    'wss://acme.getcollate.io',
    envAt(RUNNER, 'SERVER_URL'),
  ],
  [
    'config.serverHost (API)',
    'https://acme.getcollate.io/api',
    envAt(RUNNER, 'SERVER_HOST_API_URL'),
  ],
  [
    'config.authToken (from a secret)',
    { secretKeyRef: { name: 'hybrid-ingestion-runner-auth', key: 'token' } },
    envAt(RUNNER, 'AUTH_TOKEN'),
  ],
  [
    'config.secretsManager',
    'managed-azure-kv',
    envAt(RUNNER, 'SECRETS_MANAGER'),
  ],
  [
    'Key Vault name (runner)',
    'collate-kv',
    envAt(RUNNER, 'AZURE_KEY_VAULT_NAME'),
  ],
  [
    'Key Vault name (ingestion pods)',
    '[AZURE_KEY_VAULT_NAME:collate-kv]',
    envAt(RUNNER, 'INGESTION_EXTRA_ENVS'),
  ],
  [
    'ingestion service account name',
    'ingestion',
    envAt(RUNNER, 'INGESTION_SERVICE_ACCOUNT_NAME'),
  ],
  [
    'ingestion service account azure.workload.identity/client-id',
    INGESTION_ID,
    saAnnotation('ingestion', 'azure.workload.identity/client-id'),
  ],
  [
    'Argo workflow pods labelled azure.workload.identity/use',
    { 'azure.workload.identity/use': 'true' },
    argoConfigAt('workflowDefaults.spec.podMetadata.labels'),
  ],
  [
    'Argo installed by the chart (its server in argo-workflows)',
    'argo-workflows',
    m => m.get('Deployment', 'argo-workflows-server').metadata.namespace,
  ],
  [
    'the runner talks to that Argo',
    'http://argo-workflows-server.argo-workflows.svc:2746',
    envAt(RUNNER, 'PIPELINE_SERVICE_CLIENT_ENDPOINT'),
  ],
  [
    'with the argowf-client token',
    { secretKeyRef: { name: 'argowf-client-token', key: 'token' } },
    envAt(RUNNER, 'ARGO_TOKEN'),
  ],
  [
    'runner pulls with the managed pull secret',
    [{ name: 'ecr-registry-creds' }],
    m => m.pod(RUNNER).spec.imagePullSecrets,
  ],
  [
    'ingestion pods pull with the managed pull secret',
    'ecr-registry-creds',
    envAt(RUNNER, 'INGESTION_IMAGE_PULL_SECRETS'),
  ],
  [
    "the chart's own ECR helper is off",
    false,
    m => m.has('CronJob', 'ecr-registry-helper'),
  ],
];

describe('hybrid-ingestion-runner chart: guide 002 values where the chart puts them', () => {
  it.each(RUNNER_002)('%s', (_label, expected, locate) => {
    expect(locate(runnerAks)).toEqual(expected);
  });

  it('finds the runner by label: its Deployment is <release>-hybrid-ingestion-runner', () => {
    const m = render(
      'hybrid-ingestion-runner',
      'runner',
      'collate-runner',
      renderRunnerValues({
        agentId: 'a',
        serverUrl: 'https://acme.getcollate.io',
        authTokenSecret: 't',
        secretsManager: 'kubernetes',
        argo: { endpoint: 'http://argo-workflows-server.argo-workflows:2746' },
        pullSecret: 'ecr-registry-creds',
      }),
    );
    const d = m.get('Deployment', 'runner-hybrid-ingestion-runner');
    expect(d.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'hybrid-ingestion-runner',
      'app.kubernetes.io/instance': 'runner',
    });
    expect(m.env('runner-hybrid-ingestion-runner')).toMatchObject({
      SECRETS_MANAGER: 'kubernetes',
      PIPELINE_SERVICE_CLIENT_ENDPOINT:
        'http://argo-workflows-server.argo-workflows:2746',
    });
    expect(m.has('Deployment', 'argo-workflows-server')).toBe(false);
  });

  it('connects to wss://https://… when serverHost is given as a URL (why only the host is passed)', () => {
    const values = renderRunnerValues({
      agentId: 'a',
      serverUrl: 'https://acme.getcollate.io',
      authTokenSecret: 't',
      secretsManager: 'kubernetes',
      argo: { install: true, namespace: 'argo-workflows' },
      pullSecret: 'p',
    }) as any;
    values.config.serverHost = 'https://acme.getcollate.io';
    const m = render('hybrid-ingestion-runner', RUNNER, RUNNER, values);
    expect(m.env(RUNNER).SERVER_URL).toBe('wss://https://acme.getcollate.io');
  });
});

describe('openmetadata chart: each line takes what these actions set, and its own pipeline clients', () => {
  // The fixture published as a version of each supported line (its values contract follows the real chart's releases),
  // or, with COLLATE_UPSTREAM_CHARTS, the one real chart given.
  const folder = mkdtempSync(join(tmpdir(), 'collate-lines-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const versionOf = (dir: string) =>
    parseYaml(readFileSync(join(dir, 'Chart.yaml'), 'utf8')).version as string;
  const lines = UPSTREAM
    ? [versionOf(chart('openmetadata'))]
    : ['1.12.3', '1.12.4', '1.13.6', '2.0.7'];
  const chartOf = async (version: string) => ({
    dir: UPSTREAM
      ? chart('openmetadata')
      : await publishFixtureChart('openmetadata', version, folder),
  });
  const ours = renderCollateValues({
    ...collateCommon,
    cloud: 'aws',
    aws: { serverRoleArn: SERVER_ROLE, bucket: 'b', region: 'eu-west-1' },
  }) as any;
  const withClient = (client: Record<string, unknown>) => ({
    ...ours,
    openmetadata: {
      config: {
        ...ours.openmetadata.config,
        pipelineServiceClientConfig: {
          enabled: true,
          metadataApiEndpoint: 'http://openmetadata:8585/api',
          ...client,
        },
      },
    },
  });
  const at = (version: string, since: string) =>
    compareChartVersions(version, since) >= 0;
  /** The pipeline secret a chart renders for the values, or the error it refuses them with. */
  const pipelineSecretOrError = (
    dir: { dir: string },
    values: unknown,
  ): { secret?: Record<string, string>; error?: string } => {
    const error = renderError(dir, values);
    return error
      ? { error }
      : {
          secret: render(dir, OM, 'collate', values).secret(
            'openmetadata-pipeline-secret',
          ),
        };
  };

  it.each(lines)(
    '%s takes the Argo client as these actions configure it',
    async version => {
      const m = render(await chartOf(version), OM, 'collate', ours);
      expect(m.secret('openmetadata-pipeline-secret')).toMatchObject({
        PIPELINE_SERVICE_CLIENT_CLASS_NAME:
          'io.collate.pipeline.argo.ArgoServiceClient',
        PIPELINE_SERVICE_CLIENT_ENDPOINT:
          'http://argo-workflows-server.argo-workflows:2746',
      });
    },
  );

  it.each(lines)(
    '%s refuses a key its clients do not have, naming it',
    async version => {
      expect(
        renderError(
          await chartOf(version),
          withClient({ type: 'airflow', airflow: { argoToken: 'x' } }),
        ),
      ).toContain("additional properties 'argoToken' not allowed");
    },
  );

  it.each(lines)(
    '%s: the argoWorkflows client from chart 1.12.4, refused before',
    async version => {
      const values = withClient({
        type: 'argoWorkflows',
        argoWorkflows: {
          ingestionImage: COLLATE_DEFAULTS.ingestionImage,
          serviceAccountName: 'om-role',
          imagePullSecrets: 'ecr-registry-creds',
          apiEndpoint: 'http://argo-workflows-server.argo-workflows:2746',
        },
      });
      const argo = {
        PIPELINE_SERVICE_CLIENT_CLASS_NAME:
          'io.collate.pipeline.argo.ArgoServiceClient',
        ARGO_NAMESPACE: 'collate',
        ARGO_INGESTION_IMAGE: COLLATE_DEFAULTS.ingestionImage,
        ARGO_WORKFLOW_EXECUTOR_SERVICE_ACCOUNT_NAME: 'om-role',
        ARGO_IMAGE_PULL_SECRETS: 'ecr-registry-creds',
        PIPELINE_SERVICE_CLIENT_ENDPOINT:
          'http://argo-workflows-server.argo-workflows:2746',
      };
      const result = pipelineSecretOrError(await chartOf(version), values);
      expect({
        refused: /value must be one of 'airflow', 'k8s'/.test(
          result.error ?? '',
        ),
        argo:
          result.secret &&
          Object.fromEntries(
            Object.keys(argo).map(k => [k, result.secret![k]]),
          ),
      }).toEqual(
        at(version, '1.12.4')
          ? { refused: false, argo }
          : { refused: true, argo: undefined },
      );
    },
  );

  it.each(lines)(
    '%s: ingestion tolerations from chart 1.12.5, refused before',
    async version => {
      const tolerations = [
        {
          key: 'dedicated',
          operator: 'Equal',
          value: 'ingestion',
          effect: 'NoSchedule',
        },
      ];
      const values = withClient({
        type: 'k8s',
        k8s: {
          className:
            'org.openmetadata.service.clients.pipeline.k8s.K8sPipelineClient',
          tolerations,
        },
      });
      const result = pipelineSecretOrError(await chartOf(version), values);
      expect({
        refused: /additional properties 'tolerations' not allowed/.test(
          result.error ?? '',
        ),
        tolerations: result.secret && JSON.parse(result.secret.K8S_TOLERATIONS),
      }).toEqual(
        at(version, '1.12.5')
          ? { refused: false, tolerations }
          : { refused: true, tolerations: undefined },
      );
    },
  );
});
