import { ConfigReader } from '@backstage/config';
import { CoreV1Api } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  BACKSTAGE_SERVICE_ACCOUNT,
  chartPath,
  kubernetesWrites,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import { runAction } from '../../__testUtils__/context';
import { clusterOptions } from '../../__testUtils__/clusters';
import { helmCli } from '../../__testUtils__/helmCli';
import { createCollateKubernetesPrepareAction } from './prepare';
import { createKubernetesDeleteAction } from './delete';

const helm = helmCli;

// Ownership markers on Kubernetes objects: what collate:kubernetes:prepare creates for a deployment carries its label,
// a namespace that was there before is adopted; the decommission deletes exactly the marked objects, and a namespace
// only when it is the deployment's and nothing of anyone else's is in it.
describe('collate:kubernetes:delete against the local API server', () => {
  const config = new ConfigReader({ kubernetes: backstageKubernetesConfig() });
  const prepare = createCollateKubernetesPrepareAction(clusterOptions(config));
  const remove = createKubernetesDeleteAction(clusterOptions(config));
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const suffix = randomBytes(3).toString('hex');
  const deployment = `dep-${suffix}`;
  const ns = {
    own: `k-own-${suffix}`,
    adopted: `k-adopted-${suffix}`,
    shared: `k-shared-${suffix}`,
  };
  const all = Object.values(ns);
  const run = (
    action: { handler: (ctx: never) => Promise<void> },
    input: object,
    isDryRun = false,
  ) => runAction(action, input, { isDryRun });
  const decommission = (isDryRun = false) =>
    run(
      remove,
      { cluster: TEST_CLUSTER_NAME, namespaces: all, deployment },
      isDryRun,
    );
  const exists = (name: string) =>
    core.readNamespace({ name }).then(
      n => !n.metadata?.deletionTimestamp,
      () => false,
    );
  const OURS = (namespace: string) => [
    `RoleBinding ${namespace}/om-argo-role-binding`,
    `Role ${namespace}/om-argo-role`,
    `Secret ${namespace}/db-credentials`,
    `Secret ${namespace}/es-credentials`,
    `Secret ${namespace}/om-role.service-account-token`,
    `ServiceAccount ${namespace}/om-role`,
  ];

  /** What preparing the adopted namespace logged. */
  let adoptedLog = '';

  beforeAll(async () => {
    // Someone else's namespace, there before the deployment.
    await core.createNamespace({ body: { metadata: { name: ns.adopted } } });
    for (const namespace of all) {
      const c = await run(prepare, {
        cluster: TEST_CLUSTER_NAME,
        namespace,
        cloud: 'none',
        databasePassword: 'db-test-only',
        searchPassword: 'search-test-only',
        deployment,
      });
      if (namespace === ns.adopted) adoptedLog = c.logger.lines.join('\n');
    }
    // A Helm release the deployment installed in its own namespace (as collate:deploy marks it).
    await helm([
      'install',
      'runner',
      chartPath('hybrid-ingestion-runner'),
      '-n',
      ns.own,
      '--labels',
      `collate.io/deployment=${deployment}`,
    ]);
    // Someone else's object in a namespace the deployment created.
    await core.createNamespacedConfigMap({
      namespace: ns.shared,
      body: { metadata: { name: 'theirs' }, data: { keep: 'me' } },
    });
  });
  afterAll(async () => {
    for (const name of all)
      await core.deleteNamespace({ name }).catch(() => undefined);
  });

  it('marks what it creates, and not the namespace it adopted', async () => {
    expect(adoptedLog).toContain(
      `Namespace ${ns.adopted} exists and was not created by deployment ${deployment} (no marker): adopted`,
    );
    const marker = (o: { metadata?: { labels?: Record<string, string> } }) =>
      o.metadata?.labels?.['collate.io/deployment'];
    expect(marker(await core.readNamespace({ name: ns.own }))).toBe(deployment);
    expect(
      marker(await core.readNamespace({ name: ns.adopted })),
    ).toBeUndefined();
    expect(
      marker(
        await core.readNamespacedServiceAccount({
          name: 'om-role',
          namespace: ns.adopted,
        }),
      ),
    ).toBe(deployment);
  });

  it("plans, deletes the deployment's objects and its empty namespace, keeps what is someone else's, then does nothing", async () => {
    const since = Date.now();
    const plan = await decommission(true);
    expect(plan.outputs).toEqual({
      deleted: [
        ...OURS(ns.own),
        `Namespace ${ns.own}`,
        ...OURS(ns.adopted),
        ...OURS(ns.shared),
      ],
      keptNamespaces: [ns.adopted, ns.shared],
    });
    expect(plan.logger.lines).toContain(
      `info kept: namespace ${ns.adopted} was not created by deployment ${deployment} (no marker)`,
    );
    expect(plan.logger.lines).toContain(
      `info kept: namespace ${ns.shared} holds what deployment ${deployment} did not create: ConfigMap theirs`,
    );
    expect(
      kubernetesWrites({
        since,
        user: BACKSTAGE_SERVICE_ACCOUNT,
        namespace: all,
      }),
    ).toEqual([]);

    const real = await decommission();
    expect(real.outputs).toEqual(plan.outputs);
    expect(await exists(ns.own)).toBe(false);
    expect(await exists(ns.adopted)).toBe(true);
    expect(await exists(ns.shared)).toBe(true);
    await core.readNamespacedConfigMap({
      name: 'theirs',
      namespace: ns.shared,
    });
    await expect(
      core.readNamespacedServiceAccount({
        name: 'om-role',
        namespace: ns.shared,
      }),
    ).rejects.toThrow();

    const again = Date.now();
    const second = await decommission();
    expect(second.outputs).toEqual({
      deleted: [],
      keptNamespaces: [ns.adopted, ns.shared],
    });
    expect(
      kubernetesWrites({
        since: again,
        user: BACKSTAGE_SERVICE_ACCOUNT,
        namespace: all,
      }),
    ).toEqual([]);
  });
});
