/**
 * Argo Workflows Helm values exactly as guides 000 (Azure) and 001 (AWS) write them.
 */

export const ARGO_DEFAULTS = {
  namespace: 'argo-workflows',
  release: 'argo-workflows',
  chart: 'argo-workflows',
  repo: 'https://argoproj.github.io/argo-helm',
  version: '0.45.23',
  controllerServiceAccount: 'argo-workflows-controller-sa',
  serverServiceAccount: 'argo-workflows-server-sa',
  dbSecret: 'argo-db-credentials',
  tableName: 'argo_workflows',
  timeoutSeconds: 600,
};

/** Where workflow logs and artifacts go (both guides). */
const KEY_FORMAT =
  'workflows/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}';

export interface ArgoValuesInput {
  cloud: 'azure' | 'aws';
  azure?: {
    controllerClientId: string;
    serverClientId: string;
    storageEndpoint: string;
    container: string;
  };
  aws?: {
    controllerRoleArn: string;
    serverRoleArn: string;
    bucket: string;
    region: string;
  };
  /** The Postgres workflow archive (guides: persistence.archive with argo-db-credentials). */
  persistence?: { host: string; database: string };
  serviceMonitor?: boolean;
  /** Service account of ingestion workflows on AWS (guide 001: om-role). */
  workflowServiceAccount?: string;
}

export function renderArgoValues(
  input: ArgoValuesInput,
): Record<string, unknown> {
  const identity = (id: { azure?: string; aws?: string }) =>
    input.cloud === 'azure'
      ? { 'azure.workload.identity/client-id': id.azure! }
      : { 'eks.amazonaws.com/role-arn': id.aws! };
  const azurePodLabels =
    input.cloud === 'azure'
      ? { podLabels: { 'azure.workload.identity/use': 'true' } }
      : {};
  const serviceMonitor = input.serviceMonitor
    ? { serviceMonitor: { enabled: true } }
    : {};

  const controller: Record<string, unknown> = {
    serviceAccount: {
      create: true,
      name: ARGO_DEFAULTS.controllerServiceAccount,
      annotations: identity({
        azure: input.azure?.controllerClientId,
        aws: input.aws?.controllerRoleArn,
      }),
    },
    ...azurePodLabels,
    name: 'workflow-controller',
    workflowDefaults: {
      spec:
        input.cloud === 'azure'
          ? {
              podMetadata: {
                labels: { 'azure.workload.identity/use': 'true' },
              },
            }
          : { serviceAccountName: input.workflowServiceAccount ?? 'om-role' },
    },
    ...serviceMonitor,
  };
  if (input.persistence) {
    controller.persistence = {
      archive: true,
      postgresql: {
        host: input.persistence.host,
        database: input.persistence.database,
        tableName: ARGO_DEFAULTS.tableName,
        userNameSecret: { name: ARGO_DEFAULTS.dbSecret, key: 'username' },
        passwordSecret: { name: ARGO_DEFAULTS.dbSecret, key: 'password' },
        ssl: true,
        sslMode: 'require',
      },
    };
  }
  const server = {
    serviceAccount: {
      create: true,
      name: ARGO_DEFAULTS.serverServiceAccount,
      annotations: identity({
        azure: input.azure?.serverClientId,
        aws: input.aws?.serverRoleArn,
      }),
    },
    ...azurePodLabels,
    extraArgs: ['--auth-mode=server', '--request-timeout=5m'],
    ...serviceMonitor,
  };
  const artifactRepository =
    input.cloud === 'azure'
      ? {
          archiveLogs: true,
          azure: {
            endpoint: input.azure!.storageEndpoint,
            container: input.azure!.container,
            blobNameFormat: KEY_FORMAT,
            useSDKCreds: true,
          },
        }
      : {
          archiveLogs: true,
          s3: {
            endpoint: 's3.amazonaws.com',
            bucket: input.aws!.bucket,
            keyFormat: KEY_FORMAT,
            insecure: false,
            region: input.aws!.region,
            encryptionOptions: { enableEncryption: true },
          },
        };
  return {
    controller,
    server,
    useDefaultArtifactRepo: true,
    useStaticCredentials: false,
    artifactRepository,
  };
}
