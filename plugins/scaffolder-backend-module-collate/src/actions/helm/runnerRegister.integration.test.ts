import { ConfigReader } from '@backstage/config';
import { CoreV1Api } from '@kubernetes/client-node';
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

describe('collate:runner:register with the fixture chart and the Collate contract server', () => {
  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: { helm: { binary: testEnv.helmBin() } },
  });
  const action = createCollateRunnerRegisterAction({ config });
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const namespace = `runner-${randomBytes(3).toString('hex')}`;
  let collate: CollateContractServer;
  let token: string;

  beforeAll(async () => {
    collate = await startCollateContractServer({ tls: testEnv.tls() });
    token = collate.issueToken('ingestion-bot');
  });
  afterAll(async () => {
    await collate.close();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await core
      .deleteNamespace({ name: `${namespace}-b` })
      .catch(() => undefined);
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
    pollIntervalSeconds: 1,
    waitTimeoutSeconds: 20,
    timeoutSeconds: 120,
    ...extra,
  });

  it('installs, waits until Collate reports the runner connected, and keeps the token out of values, logs and outputs', async () => {
    collate.connectRunner('aks-runner', 2000);
    const { ctx, outputs, logger } = actionContext(
      input('aks-runner') as never,
    );
    await action.handler(ctx as never);
    expect(outputs).toMatchObject({
      agentId: 'aks-runner',
      connected: true,
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
  });

  it('a re-run makes no new revision', async () => {
    const { ctx, outputs } = actionContext(input('aks-runner') as never);
    await action.handler(ctx as never);
    expect(outputs).toMatchObject({ connected: true, revision: 1 });
  });

  it('fails with a clear timeout error when the runner never connects', async () => {
    const { ctx } = actionContext(
      input('silent-runner', { waitTimeoutSeconds: 3 }) as never,
    );
    await expect(action.handler(ctx as never)).rejects.toThrow(
      /Runner silent-runner did not connect within 3 s \(pods ready 1\/1; Collate does not know runner silent-runner yet\)/,
    );
  });
});
