import { ConfigReader } from '@backstage/config';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { InputError } from '@backstage/errors';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  chartPath,
  startCollateContractServer,
  testEnv,
  TEST_CLUSTER_NAME,
  type CollateContractServer,
} from '@internal/testenv';
import { actionContext } from '../../__testUtils__/context';
import { createCollateRunnerRegisterAction } from './runnerRegister';
import { clusterOptions } from '../../__testUtils__/clusters';

describe('collate:runner:register with the fixture chart and the Collate contract server', () => {
  // Each test installs with `helm --wait` and then waits for the runner: more than Jest's default 5 s on a loaded
  // machine (the silent runner alone waits 3 s after its install).
  jest.setTimeout(120_000);
  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: { helm: { binary: testEnv.helmBin() } },
  });
  const action = createCollateRunnerRegisterAction(clusterOptions(config));
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const apps = adminKubeConfig().makeApiClient(AppsV1Api);
  const namespace = `runner-${randomBytes(3).toString('hex')}`;
  // The Argo Workflows the first runner's chart installs (its fullname is argo-workflows).
  const argoNamespace = `${namespace}-argo`;
  const argoEndpoint = `http://argo-workflows-server.${argoNamespace}:2746`;
  let collate: CollateContractServer;
  let token: string;

  beforeAll(async () => {
    collate = await startCollateContractServer({ tls: testEnv.tls() });
    token = collate.issueToken('ingestion-bot');
  });
  afterAll(async () => {
    await collate.close();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    for (const name of [`${namespace}-b`, argoNamespace])
      await core.deleteNamespace({ name }).catch(() => undefined);
  });

  const input = (agentId: string, extra: Record<string, unknown> = {}) => ({
    cluster: TEST_CLUSTER_NAME,
    // One runner per namespace, as the chart's ingestion service account is namespace-wide.
    namespace: agentId === 'aks-runner' ? namespace : `${namespace}-b`,
    release: `runner-${agentId}`,
    chart: chartPath('hybrid-ingestion-runner'),
    agentId,
    serverHost: collate.url,
    authToken: token,
    argoNamespace,
    pollIntervalSeconds: 1,
    waitTimeoutSeconds: 20,
    timeoutSeconds: 120,
    ...extra,
  });

  it('installs, waits until the runner reports itself connected (its gauge, through the pod proxy), and keeps the token out of values, logs and outputs', async () => {
    const { ctx, outputs, logger } = actionContext(
      input('aks-runner') as never,
    );
    // The runner connects once the action has started waiting for it (not after a fixed delay, which a slow
    // install would outlast).
    const connected = (async () => {
      while (
        !logger.lines.some(l =>
          l.startsWith('info waiting for runner aks-runner'),
        )
      ) {
        await new Promise(r => setTimeout(r, 100));
      }
      collate.connectRunner('aks-runner', 500);
    })();
    await action.handler(ctx as never);
    await connected;
    expect(outputs).toMatchObject({
      agentId: 'aks-runner',
      connected: true,
      listed: true,
      podsReady: '1/1',
      revision: 1,
    });
    expect(
      logger.lines.some(l =>
        l.startsWith('info waiting for runner aks-runner'),
      ),
    ).toBe(true);
    expect(JSON.stringify(outputs) + logger.lines.join('\n')).not.toContain(
      token,
    );
    const secret = await core.readNamespacedSecret({
      name: 'runner-aks-runner-auth',
      namespace,
    });
    expect(Buffer.from(secret.data!.token, 'base64').toString()).toBe(token);
    // The chart takes the token from that secret, not from a value.
    const { stdout } = await run(testEnv.helmBin(), [
      'get',
      'values',
      'runner-aks-runner',
      '--namespace',
      namespace,
      '--output',
      'json',
      '--kubeconfig',
      testEnv.kubernetes().kubeconfigPath,
    ]);
    expect(stdout).not.toContain(token);
    expect(JSON.parse(stdout).config.authTokenSecret).toEqual({
      name: 'runner-aks-runner-auth',
      key: 'token',
    });

    // The chart's naming: <release>-hybrid-ingestion-runner, connecting to the bare host over wss/https.
    const runner = await apps.readNamespacedDeployment({
      name: 'runner-aks-runner-hybrid-ingestion-runner',
      namespace,
    });
    const env = Object.fromEntries(
      runner.spec!.template.spec!.containers[0].env!.map(e => [
        e.name,
        e.value,
      ]),
    );
    const host = new URL(collate.url).host;
    expect(env).toMatchObject({
      AGENT_ID: 'aks-runner',
      SERVER_URL: `wss://${host}`,
      SERVER_HOST_API_URL: `https://${host}/api`,
      SECRETS_MANAGER: 'kubernetes',
      PIPELINE_SERVICE_CLIENT_ENDPOINT: `http://argo-workflows-server.${argoNamespace}.svc:2746`,
      INGESTION_IMAGE_PULL_SECRETS: 'ecr-registry-creds',
    });
    expect(runner.spec!.template.spec!.imagePullSecrets).toEqual([
      { name: 'ecr-registry-creds' },
    ]);
    // Argo came with the chart, in its own namespace; the chart's ECR helper did not.
    const argo = await apps.listNamespacedDeployment({
      namespace: argoNamespace,
    });
    expect(argo.items.map(d => d.metadata!.name).sort()).toEqual([
      'argo-workflows-server',
      'argo-workflows-workflow-controller',
    ]);
    await expect(
      core.readNamespacedConfigMap({
        name: 'runner-aks-runner-hybrid-ingestion-runner-config',
        namespace,
      }),
    ).rejects.toThrow();
  });

  it('refuses to install a second Argo where another release has one, before changing anything', async () => {
    const { ctx } = actionContext(
      input('other-runner', { namespace: `${namespace}-c` }) as never,
    );
    const error = await action.handler(ctx as never).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      new RegExp(
        `namespace ${argoNamespace} already runs Argo Workflows of Helm release 'runner-aks-runner'`,
      ),
    );
    await expect(
      core.readNamespace({ name: `${namespace}-c` }),
    ).rejects.toThrow();
  });

  it('a re-run makes no new revision', async () => {
    const { ctx, outputs } = actionContext(input('aks-runner') as never);
    await action.handler(ctx as never);
    expect(outputs).toMatchObject({ connected: true, revision: 1 });
  });

  it('fails with a clear timeout error when the runner never connects', async () => {
    const { ctx } = actionContext(
      // This one reuses the first runner's Argo.
      input('silent-runner', {
        waitTimeoutSeconds: 3,
        installArgo: false,
        argoEndpoint,
      }) as never,
    );
    await expect(action.handler(ctx as never)).rejects.toThrow(
      /Runner silent-runner did not connect within 3 s \(pods ready 1\/1; collate_hybrid_agent_connected 0; Collate does not list runner silent-runner\)/,
    );
  });
});
