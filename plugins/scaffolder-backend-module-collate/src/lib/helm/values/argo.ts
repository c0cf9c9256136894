import { COLLATE_GUIDE_CHART_PINS } from '@collate-backstage/plugin-collate-common';
/**
 * Argo Workflows Helm values for the argo/argo-workflows chart 0.45.23, with what guides 000 (Azure) and 001 (AWS)
 * set. Where the guides' YAML does not work on that chart the intent is kept (README, "Where we depart from the
 * guides"):
 * - the Azure `blobNameFormat` goes through the chart's `tpl`, so its Argo placeholders are escaped for it;
 * - `useDefaultArtifactRepo` is not a key of the chart any more and is not set;
 * - the controller's ServiceMonitor needs `controller.metricsConfig.enabled`; the server has no ServiceMonitor.
 *
 * @public
 */

export const ARGO_DEFAULTS = {
  namespace: 'argo-workflows',
  release: 'argo-workflows',
  chart: 'argo-workflows',
  repo: 'https://argoproj.github.io/argo-helm',
  version: COLLATE_GUIDE_CHART_PINS['argo-workflows'],
  controllerServiceAccount: 'argo-workflows-controller-sa',
  serverServiceAccount: 'argo-workflows-server-sa',
  dbSecret: 'argo-db-credentials',
  tableName: 'argo_workflows',
  timeoutSeconds: 600,
};

/** Where workflow logs and artifacts go (both guides): Argo's own placeholders, resolved per workflow by Argo. */
export const ARGO_KEY_FORMAT =
  'workflows/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}';

/**
 * A string the chart passes through Helm's `tpl` that must come out unchanged: a Go template raw-string action
 * (`{{`…`}}`) prints it literally, so Argo's `{{workflow.*}}` placeholders reach the ConfigMap as they are.
 *
 * @public
 */
export function escapeForTpl(value: string): string {
  if (value.includes('`'))
    throw new Error(`cannot escape a value with a backtick for tpl: ${value}`);
  return `{{\`${value}\`}}`;
}

/** The chart's fullname rule: `<release>-argo-workflows`, or the release itself when it contains the chart name. @public */
export function argoFullname(release: string): string {
  const name = release.includes('argo-workflows')
    ? release
    : `${release}-argo-workflows`;
  return name.slice(0, 63).replace(/-+$/, '');
}

/** The Argo server's in-cluster URL for a release of the chart (Service `<fullname>-server`, port 2746). @public */
export function argoServerUrl(release: string, namespace: string): string {
  return `http://${argoFullname(release)}-server.${namespace}:2746`;
}

/** @public */
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
  /** The workflow archive (guides: persistence.archive on PostgreSQL with argo-db-credentials). */
  persistence?: {
    engine?: 'postgresql' | 'mysql';
    host: string;
    port?: number;
    database: string;
  };
  serviceMonitor?: boolean;
  /** Service account of ingestion workflows on AWS (guide 001: om-role). */
  workflowServiceAccount?: string;
}

/** @public */
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
    ...(input.serviceMonitor
      ? {
          metricsConfig: { enabled: true },
          serviceMonitor: { enabled: true },
        }
      : {}),
  };
  if (input.persistence) {
    const p = input.persistence;
    const engine = p.engine ?? 'postgresql';
    controller.persistence = {
      archive: true,
      [engine]: {
        host: p.host,
        ...(p.port ? { port: p.port } : {}),
        database: p.database,
        tableName: ARGO_DEFAULTS.tableName,
        userNameSecret: { name: ARGO_DEFAULTS.dbSecret, key: 'username' },
        passwordSecret: { name: ARGO_DEFAULTS.dbSecret, key: 'password' },
        // Argo's MySQL archive has no ssl/sslMode settings; the guides' PostgreSQL archive requires TLS.
        ...(engine === 'postgresql' ? { ssl: true, sslMode: 'require' } : {}),
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
  };
  const artifactRepository =
    input.cloud === 'azure'
      ? {
          archiveLogs: true,
          azure: {
            endpoint: input.azure!.storageEndpoint,
            container: input.azure!.container,
            // The chart renders the whole azure block with tpl.
            blobNameFormat: escapeForTpl(ARGO_KEY_FORMAT),
            useSDKCreds: true,
          },
        }
      : {
          archiveLogs: true,
          s3: {
            endpoint: 's3.amazonaws.com',
            bucket: input.aws!.bucket,
            // 0.45.23 quotes keyFormat without tpl (bucket, endpoint and region do go through tpl).
            keyFormat: ARGO_KEY_FORMAT,
            insecure: false,
            region: input.aws!.region,
            encryptionOptions: { enableEncryption: true },
          },
        };
  return {
    controller,
    server,
    useStaticCredentials: false,
    artifactRepository,
  };
}
