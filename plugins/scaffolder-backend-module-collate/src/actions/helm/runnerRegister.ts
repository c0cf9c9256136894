import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  AppsV1Api,
  CoreV1Api,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { applyObjects } from '../../lib/apply';
import { withDefaults } from '../../lib/defaults';
import type { ClusterActionOptions } from '../../lib/kubernetes';
import {
  assertDnsLabel,
  assertDnsSubdomain,
  assertGuid,
  assertHttpsUrl,
  assertServiceUrl,
  fail,
} from '../../lib/validation';
import {
  chartRepo,
  installRelease,
  releaseInputSchema,
  validateReleaseInput,
} from '../../lib/helm/releaseInput';
import { examples } from './runnerRegister.examples';
import {
  KEY_VAULT_ENV,
  RUNNER_DEFAULTS,
  renderRunnerValues,
} from '../../lib/helm/values/runner';
import { MANAGED_BY_LABELS } from '../../lib/kubernetes';
import { otherArgo, runnerState } from '../../lib/runnerState';

/**
 * `collate:runner:register`: installs the Collate Hybrid Ingestion Runner (guide 002) and waits until it is
 * connected. The ingestion-bot JWT goes into a Kubernetes secret the chart references; it is never in values on
 * disk, on a command line, in logs or outputs.
 * @public
 */
export function createCollateRunnerRegisterAction(
  options: ClusterActionOptions,
) {
  return createTemplateAction({
    id: 'collate:runner:register',
    description:
      'Installs the Collate Hybrid Ingestion Runner with Helm (agentId, server host, the ingestion-bot JWT from a secret, Kubernetes / Azure Key Vault / AWS secrets manager, Argo installed by the chart or reused, the managed ECR pull secret), then waits, bounded, until its pods are ready and the runner reports itself connected to Collate (its collate_hybrid_agent_connected gauge, read through the API server pod proxy).',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...releaseInputSchema({
          ...RUNNER_DEFAULTS,
          chartDescription: "Chart name in Collate's repository",
        }),
        agentId: z =>
          z
            .string()
            .describe(
              'The runner id shown under Settings → Preferences → Ingestion Runners',
            ),
        serverHost: z =>
          z.string().describe('Collate URL, e.g. https://acme.getcollate.io'),
        authToken: z =>
          z
            .string()
            .describe(
              'The ingestion-bot JWT (Settings → Bots → ingestion-bot): ${{ secrets.ingestionBotToken }}',
            ),
        secretsManager: z =>
          z
            .enum(['kubernetes', 'azure-kv', 'aws'])
            .default(RUNNER_DEFAULTS.secretsManager)
            .describe('Where connection secrets live'),
        azureKeyVault: z =>
          z
            .object({
              vaultName: z.string().describe('Key Vault name'),
              clientId: z
                .string()
                .describe(
                  'Client id of the identity with Key Vault Secrets Officer (federated with the ingestion service account)',
                ),
            })
            .optional()
            .describe("For secretsManager 'azure-kv' (guide 002)"),
        installArgo: z =>
          z
            .boolean()
            .default(RUNNER_DEFAULTS.installArgo)
            .describe(
              'Install Argo Workflows with the chart (installArgoWorkflows); false: reuse the Argo server at argoEndpoint',
            ),
        argoNamespace: z =>
          z
            .string()
            .default(RUNNER_DEFAULTS.argoNamespace)
            .describe(
              `Namespace of the Argo Workflows the chart installs (default ${RUNNER_DEFAULTS.argoNamespace}); created if missing`,
            ),
        argoEndpoint: z =>
          z
            .string()
            .optional()
            .describe(
              'URL of an existing Argo server to reuse when installArgo is false, e.g. http://argo-workflows-server.argo-workflows:2746',
            ),
        pullSecret: z =>
          z
            .string()
            .default(RUNNER_DEFAULTS.pullSecret)
            .describe(
              `Pull secret in the runner's namespace for the runner and ingestion images (default ${RUNNER_DEFAULTS.pullSecret}, kept fresh by collate:aws:ecr:pull-secret); the chart's own ECR helper is turned off`,
            ),
        waitTimeoutSeconds: z =>
          z
            .number()
            .int()
            .min(0)
            .max(3600)
            .default(RUNNER_DEFAULTS.waitTimeoutSeconds)
            .describe(
              'How long to wait for the runner to connect (0: do not wait)',
            ),
        pollIntervalSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            // Each check logs what it found: the task log never goes silent for longer than 20 s.
            .max(20)
            .default(RUNNER_DEFAULTS.pollIntervalSeconds)
            .describe(
              'Interval between connection checks (each logs what it found)',
            ),
      },
      output: {
        agentId: z => z.string().describe('The runner id'),
        connected: z =>
          z
            .boolean()
            .describe(
              'Whether the runner reports itself connected to Collate (its collate_hybrid_agent_connected gauge)',
            ),
        listed: z =>
          z
            .boolean()
            .describe(
              'Whether Collate lists the runner (GET /api/v1/ingestionRunners)',
            ),
        podsReady: z => z.string().describe('Ready/desired runner pods'),
        release: z => z.string().describe('Helm release name'),
        revision: z => z.number().describe('Release revision'),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, RUNNER_DEFAULTS);
      validateReleaseInput(input);
      if (!/^[a-zA-Z0-9][\w.-]{0,62}$/.test(input.agentId))
        fail(
          'agentId',
          `'${input.agentId}' must be 1-63 letters, digits, '.', '_' or '-'`,
        );
      assertHttpsUrl('serverHost', input.serverHost);
      if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(input.authToken))
        fail(
          'authToken',
          'must be a JWT (header.payload.signature); pass ${{ secrets.ingestionBotToken }}',
        );
      if (input.secretsManager === 'azure-kv') {
        if (!input.azureKeyVault)
          fail('azureKeyVault', "required when secretsManager is 'azure-kv'");
        if (
          !/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(
            input.azureKeyVault.vaultName,
          )
        )
          fail(
            'azureKeyVault.vaultName',
            'must be 3-24 letters, digits and hyphens, starting with a letter',
          );
        assertGuid('azureKeyVault.clientId', input.azureKeyVault.clientId);
      }
      assertDnsLabel('argoNamespace', input.argoNamespace);
      assertDnsSubdomain('pullSecret', input.pullSecret);
      if (input.installArgo && input.argoEndpoint)
        fail(
          'argoEndpoint',
          'is for reusing an Argo server: set installArgo to false, or leave argoEndpoint empty',
        );
      if (!input.installArgo) {
        if (!input.argoEndpoint)
          fail(
            'argoEndpoint',
            'required when installArgo is false (the URL of the Argo server to reuse)',
          );
        assertServiceUrl('argoEndpoint', input.argoEndpoint);
      }
      const repo = chartRepo(ctx.input.repo, undefined);
      if (!repo && !input.chart.includes('/'))
        fail(
          'repo',
          "give Collate's chart repository URL, or a local chart path in 'chart'",
        );

      const kc = await options.clusters.serverKubeConfig(input.cluster);
      const dryRun = Boolean(ctx.isDryRun);
      const tokenSecret = `${input.release}-auth`;
      const apps = kc.makeApiClient(AppsV1Api);
      if (input.installArgo) {
        // The chart's Argo is named argo-workflows in argoNamespace: another Argo there would collide with it.
        const other = await otherArgo(apps, input.argoNamespace, input.release);
        if (other)
          fail(
            'argoNamespace',
            `namespace ${input.argoNamespace} already runs Argo Workflows of Helm release '${other}'; give another argoNamespace, or reuse that Argo with installArgo: false and argoEndpoint`,
          );
      }
      await applyObjects(
        kc,
        [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: input.namespace },
          },
          ...(input.installArgo
            ? [
                {
                  apiVersion: 'v1',
                  kind: 'Namespace',
                  metadata: { name: input.argoNamespace },
                },
              ]
            : []),
          {
            apiVersion: 'v1',
            kind: 'Secret',
            type: 'Opaque',
            metadata: {
              name: tokenSecret,
              namespace: input.namespace,
              labels: { ...MANAGED_BY_LABELS },
            },
            data: { token: Buffer.from(input.authToken).toString('base64') },
          } as KubernetesObject,
        ],
        { dryRun, logger: ctx.logger, deployment: input.deployment },
      );
      const values = renderRunnerValues({
        agentId: input.agentId,
        serverUrl: input.serverHost,
        authTokenSecret: tokenSecret,
        secretsManager: input.secretsManager,
        azureKeyVault: input.azureKeyVault,
        argo: input.installArgo
          ? { install: true, namespace: input.argoNamespace }
          : { endpoint: input.argoEndpoint! },
        pullSecret: input.pullSecret,
      });
      if (input.secretsManager === 'azure-kv') {
        ctx.logger.info(
          `Key Vault ${
            input.azureKeyVault!.vaultName
          } is passed to the runner and its ingestion pods as ${KEY_VAULT_ENV}`,
        );
        if (!input.installArgo)
          ctx.logger.warn(
            `Argo at ${input.argoEndpoint} is reused: its workflow defaults must label ingestion pods azure.workload.identity/use=true for Key Vault access (this chart can only set them on the Argo it installs)`,
          );
      }
      const { revision } = await installRelease(ctx, {
        config: options.config,
        kc,
        input,
        repo,
        values,
        checkpointPrefix: 'collate.runner',
      });
      ctx.output('agentId', input.agentId);
      ctx.output('release', input.release);
      ctx.output('revision', revision);
      if (dryRun) {
        ctx.output('connected', false);
        ctx.output('listed', false);
        ctx.output('podsReady', '0/1');
        return;
      }

      const deadline = Date.now() + input.waitTimeoutSeconds * 1000;
      const core = kc.makeApiClient(CoreV1Api);
      let state = await runnerState({
        apps,
        core,
        namespace: input.namespace,
        release: input.release,
        serverHost: input.serverHost,
        agentId: input.agentId,
        token: input.authToken,
      });
      while (!state.connected && Date.now() < deadline) {
        ctx.logger.info(
          `waiting for runner ${input.agentId}: pods ${state.podsReady}, ${state.reason}`,
        );
        await new Promise(r => setTimeout(r, input.pollIntervalSeconds * 1000));
        state = await runnerState({
          apps,
          core,
          namespace: input.namespace,
          release: input.release,
          serverHost: input.serverHost,
          agentId: input.agentId,
          token: input.authToken,
        });
      }
      ctx.output('connected', state.connected);
      ctx.output('podsReady', state.podsReady);
      ctx.output('listed', state.listed);
      if (!state.connected && input.waitTimeoutSeconds > 0) {
        throw new Error(
          `Runner ${input.agentId} did not connect within ${input.waitTimeoutSeconds} s (pods ready ${state.podsReady}; ${state.reason}). ` +
            'Check the runner pod logs, that the ingestion-bot token is current, and that the cluster can reach the Collate server.',
        );
      }
      ctx.logger.info(
        `runner ${input.agentId} connected (pods ${state.podsReady})`,
      );
    },
  });
}
