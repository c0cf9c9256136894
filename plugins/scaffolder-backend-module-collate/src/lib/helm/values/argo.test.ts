import {
  argoFullname,
  argoServerUrl,
  escapeForTpl,
  renderArgoValues,
} from './argo';
import { AWS_MIN } from '../../../__testUtils__/argo';

const azure = renderArgoValues({
  cloud: 'azure',
  azure: {
    controllerClientId: 'controller-client-id',
    serverClientId: 'server-client-id',
    storageEndpoint: 'https://collate.blob.core.windows.net/',
    container: 'argo-workflows',
  },
  persistence: { host: 'db.example', database: 'argo' },
});
const aws = renderArgoValues({
  cloud: 'aws',
  aws: {
    controllerRoleArn:
      'arn:aws:iam::123456789012:role/collate-argo-controller-role',
    serverRoleArn: 'arn:aws:iam::123456789012:role/collate-argo-server-role',
    bucket: 'collate-argo-artifacts-eu-west-1',
    region: 'eu-west-1',
  },
  persistence: { host: 'db.example', database: 'argo' },
});

const at = (values: unknown, path: string) =>
  path.split('.').reduce<any>((v, k) => v?.[k], values);

// Each row: a value path and what guide 000 (Azure) and 001 (AWS) set it to. `undefined`: the guide sets nothing.
const TABLE: Array<[string, unknown, unknown]> = [
  ['controller.serviceAccount.create', true, true],
  [
    'controller.serviceAccount.name',
    'argo-workflows-controller-sa',
    'argo-workflows-controller-sa',
  ],
  [
    'controller.serviceAccount.annotations',
    { 'azure.workload.identity/client-id': 'controller-client-id' },
    {
      'eks.amazonaws.com/role-arn':
        'arn:aws:iam::123456789012:role/collate-argo-controller-role',
    },
  ],
  [
    'controller.podLabels',
    { 'azure.workload.identity/use': 'true' },
    undefined,
  ],
  ['controller.name', 'workflow-controller', 'workflow-controller'],
  [
    'controller.workflowDefaults.spec',
    { podMetadata: { labels: { 'azure.workload.identity/use': 'true' } } },
    { serviceAccountName: 'om-role' },
  ],
  ['server.serviceAccount.create', true, true],
  [
    'server.serviceAccount.name',
    'argo-workflows-server-sa',
    'argo-workflows-server-sa',
  ],
  [
    'server.serviceAccount.annotations',
    { 'azure.workload.identity/client-id': 'server-client-id' },
    {
      'eks.amazonaws.com/role-arn':
        'arn:aws:iam::123456789012:role/collate-argo-server-role',
    },
  ],
  ['server.podLabels', { 'azure.workload.identity/use': 'true' }, undefined],
  [
    'server.extraArgs',
    ['--auth-mode=server', '--request-timeout=5m'],
    ['--auth-mode=server', '--request-timeout=5m'],
  ],
  ['controller.persistence.archive', true, true],
  ['controller.persistence.postgresql.host', 'db.example', 'db.example'],
  ['controller.persistence.postgresql.database', 'argo', 'argo'],
  [
    'controller.persistence.postgresql.tableName',
    'argo_workflows',
    'argo_workflows',
  ],
  [
    'controller.persistence.postgresql.userNameSecret',
    { name: 'argo-db-credentials', key: 'username' },
    { name: 'argo-db-credentials', key: 'username' },
  ],
  [
    'controller.persistence.postgresql.passwordSecret',
    { name: 'argo-db-credentials', key: 'password' },
    { name: 'argo-db-credentials', key: 'password' },
  ],
  ['controller.persistence.postgresql.ssl', true, true],
  ['controller.persistence.postgresql.sslMode', 'require', 'require'],
  // Not a key of chart 0.45.23 (README: departures): not set.
  ['useDefaultArtifactRepo', undefined, undefined],
  ['useStaticCredentials', false, false],
  ['artifactRepository.archiveLogs', true, true],
  [
    'artifactRepository.azure',
    {
      endpoint: 'https://collate.blob.core.windows.net/',
      container: 'argo-workflows',
      // Escaped for the chart's tpl of the azure block; the ConfigMap gets the guide's literal (charts.test.ts).
      blobNameFormat:
        '{{`workflows/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}`}}',
      useSDKCreds: true,
    },
    undefined,
  ],
  [
    'artifactRepository.s3',
    undefined,
    {
      endpoint: 's3.amazonaws.com',
      bucket: 'collate-argo-artifacts-eu-west-1',
      keyFormat:
        'workflows/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}',
      insecure: false,
      region: 'eu-west-1',
      encryptionOptions: { enableEncryption: true },
    },
  ],
  ['controller.serviceMonitor', undefined, undefined],
];

describe('Argo Workflows values, value by value against the guides', () => {
  it.each(TABLE)('%s', (path, guide000, guide001) => {
    expect(at(azure, path)).toEqual(guide000);
    expect(at(aws, path)).toEqual(guide001);
  });

  it("enables the controller's metrics and ServiceMonitor on request (the guides' optional step)", () => {
    const values = renderArgoValues({ ...AWS_MIN, serviceMonitor: true });
    expect(at(values, 'controller.serviceMonitor')).toEqual({ enabled: true });
    // Without metricsConfig the chart renders no ServiceMonitor; the server has none in this chart.
    expect(at(values, 'controller.metricsConfig')).toEqual({ enabled: true });
    expect(at(values, 'server.serviceMonitor')).toBeUndefined();
    expect(at(values, 'controller.persistence')).toBeUndefined();
  });
});

describe('names and escaping', () => {
  it.each([
    ['argo-workflows', 'argo-workflows'],
    ['argo', 'argo-argo-workflows'],
    ['collate-argo-workflows', 'collate-argo-workflows'],
  ])("release %s has the chart's fullname %s", (release, fullname) => {
    expect(argoFullname(release)).toBe(fullname);
  });

  it('gives the server URL of the Service the chart creates', () => {
    expect(argoServerUrl('argo', 'wf')).toBe(
      'http://argo-argo-workflows-server.wf:2746',
    );
  });

  it('escapes a value for tpl, and refuses one it cannot escape', () => {
    expect(escapeForTpl('a/{{b}}')).toBe('{{`a/{{b}}`}}');
    expect(() => escapeForTpl('a`b')).toThrow(/backtick/);
  });

  it('puts a MySQL archive under mysql, without the PostgreSQL TLS settings', () => {
    const values = renderArgoValues({
      ...AWS_MIN,
      persistence: {
        engine: 'mysql',
        host: 'db',
        port: 3306,
        database: 'argo',
      },
    });
    expect(at(values, 'controller.persistence')).toEqual({
      archive: true,
      mysql: {
        host: 'db',
        port: 3306,
        database: 'argo',
        tableName: 'argo_workflows',
        userNameSecret: { name: 'argo-db-credentials', key: 'username' },
        passwordSecret: { name: 'argo-db-credentials', key: 'password' },
      },
    });
  });
});
