import { parse as parseYaml } from 'yaml';
import { ConfigReader } from '@backstage/config';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  BACKSTAGE_SERVICE_ACCOUNT,
  chartPath,
  kubernetesWrites,
  testEnv,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import { actionContext } from '../../__testUtils__/context';
import { createArgoInstallAction } from './argoInstall';
import { ensureRelease } from '../../lib/helm/release';
import { renderArgoValues } from '../../lib/helm/values/argo';
import { clusterOptions } from '../../__testUtils__/clusters';
import { markHelmRevision } from '../../__testUtils__/helmState';

const withServerReplicas = (values: Record<string, any>, replicas: number) => ({
  ...values,
  server: { ...values.server, replicas },
});

describe('collate:argo:install with the fixture chart on the local control plane', () => {
  // Each test installs or upgrades with `helm --wait` under the release's lock, some twice: more than Jest's default
  // 5 s on a loaded machine.
  jest.setTimeout(60_000);

  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: { helm: { binary: testEnv.helmBin() } },
  });
  const action = createArgoInstallAction(clusterOptions(config));
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  const namespace = `argo-${randomBytes(3).toString('hex')}`;
  const controllerClientId = randomUUID();
  const input = {
    cluster: TEST_CLUSTER_NAME,
    namespace,
    chart: chartPath('argo-workflows'),
    repo: '',
    cloud: 'azure',
    azure: {
      controllerClientId,
      serverClientId: randomUUID(),
      storageEndpoint: 'https://collate.blob.core.windows.net/',
      container: 'argo-workflows',
    },
    persistence: {
      host: 'db.example',
      database: 'argo',
      username: 'argo',
      password: 'argo-db-secret-value',
    },
    timeoutSeconds: 120,
  };
  const writes = (since: number) =>
    kubernetesWrites({ since, user: BACKSTAGE_SERVICE_ACCOUNT, namespace });
  const run = async (
    overrides: Record<string, unknown> = {},
    isDryRun = false,
  ) => {
    const c = actionContext({ ...input, ...overrides } as never, { isDryRun });
    await action.handler(c.ctx as never);
    return c;
  };

  afterAll(() =>
    core.deleteNamespace({ name: namespace }).catch(() => undefined),
  );

  it('dry-run renders and plans, and writes nothing', async () => {
    const since = Date.now();
    const { logger, outputs } = await run({}, true);
    expect(writes(since)).toEqual([]);
    expect(
      logger.lines.some(l =>
        l.includes(
          `would install Helm release ${namespace}/argo-workflows (chart argo-workflows 0.45.23, app v3.7.1)`,
        ),
      ),
    ).toBe(true);
    expect(outputs.serverUrl).toBe(
      `http://argo-workflows-server.${namespace}:2746`,
    );
    // The plan shows the values the release would get.
    const values = logger.lines.find(l =>
      l.startsWith('info values of argo-workflows:'),
    );
    expect(values).toContain('useSDKCreds: true');
    expect(values).toContain('name: argo-workflows-controller-sa');
  });

  it("installs with the guide's values; KWOK makes it Ready; the password stays out of logs and outputs", async () => {
    const { outputs, logger } = await run();
    expect(outputs).toMatchObject({
      release: 'argo-workflows',
      namespace,
      revision: 1,
    });
    for (const name of [
      'argo-workflows-server',
      'argo-workflows-workflow-controller',
    ]) {
      expect(
        (await apps.readNamespacedDeployment({ name, namespace })).status
          ?.readyReplicas,
      ).toBe(1);
    }
    const sa = await core.readNamespacedServiceAccount({
      name: 'argo-workflows-controller-sa',
      namespace,
    });
    expect(
      sa.metadata?.annotations?.['azure.workload.identity/client-id'],
    ).toBe(controllerClientId);
    const cm = await core.readNamespacedConfigMap({
      name: 'argo-workflows-workflow-controller-configmap',
      namespace,
    });
    // One `config` key, as the real chart writes it, with the guide's literal placeholders (escaped for tpl).
    const controllerConfig = parseYaml(cm.data!.config);
    expect(controllerConfig.artifactRepository.azure).toMatchObject({
      useSDKCreds: true,
      blobNameFormat:
        'workflows/{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}',
    });
    expect(controllerConfig.persistence.postgresql).toMatchObject({
      tableName: 'argo_workflows',
      passwordSecret: { name: 'argo-db-credentials', key: 'password' },
    });
    const secret = await core.readNamespacedSecret({
      name: 'argo-db-credentials',
      namespace,
    });
    expect(Buffer.from(secret.data!.password, 'base64').toString()).toBe(
      'argo-db-secret-value',
    );
    expect(JSON.stringify(outputs) + logger.lines.join('\n')).not.toContain(
      'argo-db-secret-value',
    );
  });

  it('a re-run with the same values makes no new revision and no write', async () => {
    const since = Date.now();
    const { outputs } = await run();
    expect(outputs.revision).toBe(1);
    expect(writes(since)).toEqual([]);
  });

  it('a changed value makes exactly one new revision, and dry-run shows the diff first', async () => {
    const plan = await run({ serviceMonitor: true }, true);
    expect(
      plan.logger.lines.some(
        l =>
          l.includes('would upgrade') &&
          l.includes('controller.metricsConfig: undefined -> {"enabled":true}'),
      ),
    ).toBe(true);
    const { outputs } = await run({ serviceMonitor: true });
    expect(outputs.revision).toBe(2);
  });

  it('recovers a release left pending-upgrade by an interrupted run', async () => {
    // Mark the latest revision pending-upgrade, as an interrupted `helm upgrade` leaves it.
    await markHelmRevision(core, {
      namespace,
      release: 'argo-workflows',
      revision: 2,
      status: 'pending-upgrade',
    });

    const { outputs, logger } = await run({ serviceMonitor: true });
    expect(
      logger.lines.some(l =>
        l.includes('is pending-upgrade: rolling back to revision'),
      ),
    ).toBe(true);
    expect(outputs.revision).toBeGreaterThan(2);
    // The interrupted revision is recorded as failed, not left pending in the history.
    const history = JSON.parse(
      execFileSync(
        testEnv.helmBin(),
        [
          'history',
          'argo-workflows',
          '-n',
          namespace,
          '-o',
          'json',
          '--kubeconfig',
          testEnv.kubernetes().kubeconfigPath,
        ],
        { encoding: 'utf8' },
      ),
    ) as Array<{ revision: number; status: string; description: string }>;
    expect(history.filter(h => h.status.startsWith('pending-'))).toEqual([]);
    expect(history.find(h => h.revision === 2)).toMatchObject({
      status: 'failed',
      description: expect.stringMatching(
        /^Interrupted \(pending-upgrade\); rolled back to revision 1$/,
      ),
    });
    const again = await run({ serviceMonitor: true });
    expect(again.outputs.revision).toBe(outputs.revision);
  });

  it('rolls a failing upgrade back and reports the failure', async () => {
    const kc = await clusterOptions(config).clusters.serverKubeConfig(
      TEST_CLUSTER_NAME,
    );
    const before = await run({ serviceMonitor: true });
    await expect(
      ensureRelease({
        config,
        kc,
        logger: before.logger,
        dryRun: false,
        // The same release with server replicas -1, which the API server rejects: the upgrade fails and
        // --rollback-on-failure undoes it.
        install: {
          release: 'argo-workflows',
          namespace,
          chart: chartPath('argo-workflows'),
          values: withServerReplicas(
            renderArgoValues({
              cloud: 'azure',
              azure: input.azure,
              persistence: { host: 'db.example', database: 'argo' },
              serviceMonitor: true,
            }),
            -1,
          ),
          timeoutSeconds: 60,
        },
        checkpoint: (_key, fn) => fn(),
      }),
    ).rejects.toThrow(/helm upgrade failed/);
    const after = await run({ serviceMonitor: true });
    expect(
      (
        await apps.readNamespacedDeployment({
          name: 'argo-workflows-server',
          namespace,
        })
      ).spec?.replicas,
    ).toBe(1);
    expect(after.outputs.revision).toBeGreaterThan(
      before.outputs.revision as number,
    );
  });
});
