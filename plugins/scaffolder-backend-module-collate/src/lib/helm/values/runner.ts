import { COLLATE_GUIDE_CHART_PINS } from '@collate-backstage/plugin-collate-common';
/**
 * Helm values for Collate's hybrid-ingestion-runner chart 1.12.x, with what guide 002 sets (Hybrid Runner on AKS
 * with Azure Key Vault through workload identity). How the chart reads them:
 * - `config.serverHost` is a bare host: the chart adds `wss://` / `https://` from `config.useSecureProtocols`;
 * - `config.secretsManager` is a plain string (`kubernetes`, `managed-azure-kv`, `managed-aws`);
 * - Argo Workflows is either installed by the chart (`installArgoWorkflows`, as the `argoWorkflows` subchart in the
 *   `argo-workflows` namespace) or reused (`config.argoWorkflows.endpoint`); with neither the runner starts ingestion
 *   pods itself (`EXECUTOR_TYPE=simpleK8s`), which the guide does not describe;
 * - the chart's own ECR helper (a CronJob with static AWS keys) is turned off: the pods pull with the pull secret
 *   this plugin keeps fresh (`collate:aws:ecr:pull-secret` and its scheduled renewal).
 *
 * @public
 */

export const RUNNER_DEFAULTS = {
  namespace: 'hybrid-ingestion-runner',
  release: 'hybrid-ingestion-runner',
  chart: 'hybrid-ingestion-runner',
  /** The chart is versioned with Collate: this is the Collate version the guides target. */
  version: COLLATE_GUIDE_CHART_PINS['hybrid-ingestion-runner'],
  secretsManager: 'kubernetes' as const,
  ingestionServiceAccount: 'ingestion',
  installArgo: true,
  argoNamespace: 'argo-workflows',
  pullSecret: 'ecr-registry-creds',
  waitTimeoutSeconds: 300,
  pollIntervalSeconds: 5,
  timeoutSeconds: 600,
};

/** @public */
export const SECRETS_MANAGERS = {
  kubernetes: 'kubernetes',
  'azure-kv': 'managed-azure-kv',
  aws: 'managed-aws',
} as const;

/**
 * The environment variable that names the Key Vault for the runner and its ingestion pods. ASSUMPTION: the chart has
 * no Key Vault setting of its own and guide 002's values block is not in our copy of the guide; the runner and the
 * pods read the vault from their environment (`extraEnvs`, `config.ingestionPods.extraEnvs`).
 */
export const KEY_VAULT_ENV = 'AZURE_KEY_VAULT_NAME';

/** @public */
export interface RunnerValuesInput {
  agentId: string;
  /** The Collate URL, e.g. https://acme.getcollate.io: its host becomes config.serverHost, its scheme the protocol. */
  serverUrl: string;
  /** The Secret (key `token`) holding the ingestion-bot JWT. */
  authTokenSecret: string;
  secretsManager: keyof typeof SECRETS_MANAGERS;
  azureKeyVault?: { vaultName: string; clientId: string };
  /** Install Argo with the chart, or reuse the Argo server at this URL. */
  argo: { install: true; namespace: string } | { endpoint: string };
  /** Pull secret (in the runner's namespace) for the runner and ingestion images. */
  pullSecret: string;
}

/** The chart's fullname rule: `<release>-hybrid-ingestion-runner` unless the release contains the chart name. @public */
export function runnerFullname(release: string): string {
  const name = release.includes('hybrid-ingestion-runner')
    ? release
    : `${release}-hybrid-ingestion-runner`;
  return name.slice(0, 63).replace(/-+$/, '');
}

/** @public */
export function renderRunnerValues(
  input: RunnerValuesInput,
): Record<string, unknown> {
  const url = new URL(input.serverUrl);
  const kv =
    input.secretsManager === 'azure-kv' ? input.azureKeyVault : undefined;
  const installArgo = 'install' in input.argo;
  return {
    imagePullSecrets: [{ name: input.pullSecret }],
    ...(kv
      ? { extraEnvs: [{ name: KEY_VAULT_ENV, value: kv.vaultName }] }
      : {}),
    config: {
      agentId: input.agentId,
      serverHost: url.host,
      useSecureProtocols: url.protocol === 'https:',
      authTokenSecret: { name: input.authTokenSecret, key: 'token' },
      secretsManager: SECRETS_MANAGERS[input.secretsManager],
      ingestionPods: {
        imagePullSecrets: input.pullSecret,
        serviceAccount: {
          create: true,
          name: RUNNER_DEFAULTS.ingestionServiceAccount,
          ...(kv
            ? {
                annotations: {
                  'azure.workload.identity/client-id': kv.clientId,
                },
              }
            : {}),
        },
        ...(kv ? { extraEnvs: [`${KEY_VAULT_ENV}:${kv.vaultName}`] } : {}),
      },
      ...('endpoint' in input.argo
        ? { argoWorkflows: { endpoint: input.argo.endpoint } }
        : {}),
    },
    ecrRegistryHelper: { enabled: false },
    installArgoWorkflows: installArgo,
    // The action creates the namespace itself (server-side apply), so an existing one is no conflict.
    createArgoWorkflowsNamespace: false,
    ...('install' in input.argo
      ? {
          argoWorkflows: {
            namespaceOverride: input.argo.namespace,
            ...(kv
              ? {
                  // Ingestion pods are Argo workflow pods: workload identity needs the label on each of them.
                  controller: {
                    workflowDefaults: {
                      spec: {
                        podMetadata: {
                          labels: { 'azure.workload.identity/use': 'true' },
                        },
                      },
                    },
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}
