import { ConfigReader } from '@backstage/config';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  chartPath,
  startArmContractServer,
  testEnv,
  TEST_CLUSTER_NAME,
  type ArmContractServer,
} from '@internal/testenv';
import { createAzureClients } from '../lib/azure';
import { actionContext } from '../__testUtils__/context';
import { createCollatePreflightAction } from './preflight';
import type { PreflightCheck } from '../lib/preflight';
import { clusterOptions } from '../__testUtils__/clusters';
import { argoControllerDeployment } from '../__testUtils__/argo';

describe('collate:preflight against the local environment', () => {
  let arm: ArmContractServer;
  let search: Server;
  let searchUrl: string;
  let action: ReturnType<typeof createCollatePreflightAction>;
  const subscriptionId = randomUUID();
  const argoNamespace = `argo-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    arm = await startArmContractServer({ tls: testEnv.tls() });
    arm.seedManagedCluster({
      subscriptionId,
      resourceGroup: 'rg',
      name: 'aks-off',
    });
    arm.seedManagedCluster({
      subscriptionId,
      resourceGroup: 'rg',
      name: 'aks-on',
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,
    });
    // No OpenSearch can run here: this answers its documented root endpoint, GET /.
    search = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          name: 'node-1',
          cluster_name: 'collate',
          version: { distribution: 'opensearch', number: '3.4.0' },
          tagline: 'The OpenSearch Project: https://opensearch.org/',
        }),
      );
    });
    await new Promise<void>(r => search.listen(0, '127.0.0.1', r));
    searchUrl = `http://127.0.0.1:${(search.address() as AddressInfo).port}`;
    const config = new ConfigReader({
      kubernetes: backstageKubernetesConfig(),
      collate: {
        azure: arm.backstageConfig(subscriptionId),
      },
    });
    action = createCollatePreflightAction({
      ...clusterOptions(config),
      azure: createAzureClients(config),
    });
    const kc = testEnv.kubernetes().kubeconfigPath;
    await promisify(execFile)(testEnv.helmBin(), [
      'upgrade',
      '--install',
      'argo-workflows',
      chartPath('argo-workflows'),
      '--namespace',
      argoNamespace,
      '--create-namespace',
      '--kubeconfig',
      kc,
    ]);
  });
  afterAll(async () => {
    await arm.close();
    search.close();
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: argoNamespace });
  });

  const byName = (checks: PreflightCheck[]) =>
    Object.fromEntries(checks.map(c => [c.name, c]));

  it('passes a ready AKS setup and reports each check with a reason', async () => {
    const pg = testEnv.postgres();
    const { ctx, outputs } = actionContext({
      cluster: TEST_CLUSTER_NAME,
      target: 'server',
      azure: { resourceGroup: 'rg', clusterName: 'aks-on' },
      database: {
        engine: 'postgresql',
        host: pg.host,
        port: pg.port,
        user: pg.user,
        password: pg.password,
        ssl: false,
      },
      search: { url: searchUrl },
      collateVersion: 'om-1.12.3-cl-1.12.3',
      argoNamespace,
      failOnError: true,
    } as never);
    await action.handler(ctx as never);
    const checks = byName(outputs.checks as PreflightCheck[]);
    expect(outputs.passed).toBe(true);
    expect(checks['kubernetes-version']).toMatchObject({
      status: 'pass',
      reason: 'Kubernetes v1.36.3',
    });
    expect(checks['worker-nodes'].status).toBe('pass');
    expect(checks['aks-workload-identity'].status).toBe('pass');
    expect(checks.database).toMatchObject({
      status: 'pass',
      reason: expect.stringMatching(/^PostgreSQL 15\./),
    });
    expect(checks.search).toEqual({
      name: 'search',
      status: 'pass',
      reason: 'OpenSearch 3.4.0',
    });
    expect(checks.argo).toMatchObject({
      status: 'pass',
      reason: expect.stringContaining(
        `v3.7.1 (${argoNamespace}/argo-workflows-workflow-controller)`,
      ),
    });
  });

  it('fails on AKS without workload identity, with the remedy, unless told not to', async () => {
    const input = {
      cluster: TEST_CLUSTER_NAME,
      target: 'runner',
      azure: { resourceGroup: 'rg', clusterName: 'aks-off' },
      failOnError: true,
    };
    const failing = actionContext(input as never);
    await expect(action.handler(failing.ctx as never)).rejects.toThrow(
      /aks-workload-identity: OIDC issuer off, workload identity off: az aks update/,
    );
    const lenient = actionContext({ ...input, failOnError: false } as never);
    await action.handler(lenient.ctx as never);
    expect(lenient.outputs.passed).toBe(false);
  });

  it('warns, without failing, when the Argo the ingestion will run on is a line the Collate version is not known to run on', async () => {
    const argo4 = `${argoNamespace}-v4`;
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: argo4 } } });
    try {
      await adminKubeConfig()
        .makeApiClient(AppsV1Api)
        .createNamespacedDeployment({
          namespace: argo4,
          body: argoControllerDeployment('v4.0.5'),
        });
      const run = async (namespace: string) => {
        const { ctx, outputs } = actionContext({
          cluster: TEST_CLUSTER_NAME,
          target: 'server',
          collateVersion: 'om-2.0.7-cl-2.0.7',
          argoNamespace: namespace,
          failOnError: true,
        } as never);
        await action.handler(ctx as never);
        return byName(outputs.checks as PreflightCheck[]).argo;
      };
      const judged = await run(argo4);
      expect(judged.status).toBe('warn');
      expect(judged.reason).toContain(
        `v4.0.5 (${argo4}/argo-workflows-workflow-controller)`,
      );
      expect(judged.reason).toContain(
        'Collate 2.0.7 runs its ingestion on Argo Workflows 3.7 (this plugin set tests Collate 2.0 with Argo 3.7 only); Argo v4.0.5 is the 4.0 line, which is not known to work with it. Install Argo 3.7 first (collate:argo:install, chart 0.45.x) and point the deployment at it',
      );
      // Another namespace's Argo is listed, not judged: the deployment's own Argo is 3.7.
      const other = await run(argoNamespace);
      expect(other.status).toBe('pass');
      expect(other.reason).toContain(`v4.0.5 (${argo4}/`);
    } finally {
      await core.deleteNamespace({ name: argo4 });
    }
  });

  it('warns, without failing, when the database is unreachable', async () => {
    const { ctx, outputs } = actionContext({
      cluster: TEST_CLUSTER_NAME,
      target: 'server',
      database: {
        engine: 'postgresql',
        host: '127.0.0.1',
        port: 1,
        user: 'x',
        password: 'y',
        ssl: false,
      },
      failOnError: true,
    } as never);
    await action.handler(ctx as never);
    expect(byName(outputs.checks as PreflightCheck[]).database.status).toBe(
      'warn',
    );
  });
});
