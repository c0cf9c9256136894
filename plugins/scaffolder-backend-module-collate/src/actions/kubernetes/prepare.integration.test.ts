import { ConfigReader } from '@backstage/config';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  BACKSTAGE_SERVICE_ACCOUNT,
  kubernetesWrites,
  testEnv,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import { actionContext } from '../../__testUtils__/context';
import {
  createCollateKubernetesPrepareAction,
  OM_ARGO_ROLE_RULES,
} from './prepare';
import { clusterOptions } from '../../__testUtils__/clusters';

describe('collate:kubernetes:prepare against the local API server', () => {
  const config = new ConfigReader({ kubernetes: backstageKubernetesConfig() });
  const action = createCollateKubernetesPrepareAction(clusterOptions(config));
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const namespace = `collate-${randomBytes(3).toString('hex')}`;
  const clientId = randomUUID();
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const input = {
    cluster: TEST_CLUSTER_NAME,
    namespace,
    serviceAccount: 'om-role',
    cloud: 'azure',
    azureClientId: clientId,
    databaseSecretName: 'db-credentials',
    databaseSecretKey: 'password',
    databasePassword: password,
    searchSecretName: 'es-credentials',
    searchSecretKey: 'password',
  };
  const writes = (since: number) =>
    kubernetesWrites({ since, user: BACKSTAGE_SERVICE_ACCOUNT, namespace });

  afterAll(() =>
    core.deleteNamespace({ name: namespace }).catch(() => undefined),
  );

  it('dry-run plans every object and writes nothing', async () => {
    const since = Date.now();
    const { ctx, logger, outputs } = actionContext(input, { isDryRun: true });
    await action.handler(ctx as never);
    expect(writes(since)).toEqual([]);
    expect(outputs.changed).toBe(6);
    for (const what of [
      'Namespace',
      'ServiceAccount',
      'Secret',
      'Role',
      'RoleBinding',
    ]) {
      expect(
        logger.lines.some(l => l.startsWith(`info would create ${what} `)),
      ).toBe(true);
    }
    expect(logger.lines.join('\n')).not.toContain(password);
  });

  it('creates what the guide creates, and a second run writes nothing', async () => {
    let since = Date.now();
    const first = actionContext(input);
    await action.handler(first.ctx as never);
    expect(first.outputs).toEqual({
      namespace,
      serviceAccount: 'om-role',
      tokenSecret: 'om-role.service-account-token',
      role: 'om-argo-role',
      roleBinding: 'om-argo-role-binding',
      secrets: ['db-credentials'],
      changed: 6,
    });
    expect(writes(since).length).toBe(6);
    expect(
      JSON.stringify(first.outputs) + first.logger.lines.join('\n'),
    ).not.toContain(password);

    const sa = await core.readNamespacedServiceAccount({
      name: 'om-role',
      namespace,
    });
    expect(
      sa.metadata?.annotations?.['azure.workload.identity/client-id'],
    ).toBe(clientId);
    expect(sa.metadata?.labels?.['azure.workload.identity/use']).toBe('true');
    const role = await admin
      .makeApiClient(RbacAuthorizationV1Api)
      .readNamespacedRole({ name: 'om-argo-role', namespace });
    expect(role.rules).toEqual(OM_ARGO_ROLE_RULES);
    const db = await core.readNamespacedSecret({
      name: 'db-credentials',
      namespace,
    });
    expect(Buffer.from(db.data!.password, 'base64').toString()).toBe(password);

    since = Date.now();
    const second = actionContext(input);
    await action.handler(second.ctx as never);
    expect(second.outputs.changed).toBe(0);
    expect(writes(since)).toEqual([]);
  });

  it("gives om-role's token exactly the guide's rights on workflows", async () => {
    let token = '';
    for (let i = 0; i < 50 && !token; i++) {
      const s = await core.readNamespacedSecret({
        name: 'om-role.service-account-token',
        namespace,
      });
      token = s.data?.token
        ? Buffer.from(s.data.token, 'base64').toString()
        : '';
      if (!token) await new Promise(r => setTimeout(r, 100));
    }
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'c',
          server: testEnv.kubernetes().url,
          caData: readFileSync(testEnv.kubernetes().caFile).toString('base64'),
        },
      ],
      users: [{ name: 'om-role', token }],
      contexts: [{ name: 'c', cluster: 'c', user: 'om-role' }],
      currentContext: 'c',
    });
    const custom = kc.makeApiClient(CustomObjectsApi);
    await expect(
      custom.listNamespacedCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        namespace,
        plural: 'workflows',
      }),
    ).resolves.toBeDefined();
    await expect(
      kc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace }),
    ).rejects.toMatchObject({ code: 403 });
  });

  it('repairs drift with one update and leaves the rest alone', async () => {
    await core.patchNamespacedServiceAccount({
      name: 'om-role',
      namespace,
      body: [
        {
          op: 'replace',
          path: '/metadata/annotations/azure.workload.identity~1client-id',
          value: 'drifted',
        },
      ],
    });
    const since = Date.now();
    const { ctx, outputs, logger } = actionContext(input);
    await action.handler(ctx as never);
    expect(outputs.changed).toBe(1);
    expect(writes(since).map(w => w.verb)).toEqual(['patch']);
    expect(
      logger.lines.some(
        l => l.includes('updating ServiceAccount') && l.includes('drifted'),
      ),
    ).toBe(true);
  });
});
