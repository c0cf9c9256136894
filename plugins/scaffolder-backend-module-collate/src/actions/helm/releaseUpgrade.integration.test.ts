import { ConfigReader } from '@backstage/config';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  chartPath,
  publishFixtureChart,
  testEnv,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import { actionContext, runAction } from '../../__testUtils__/context';
import { fixtureDeployInput } from '../../__testUtils__/deploy';
import { clusterOptions } from '../../__testUtils__/clusters';
import { helmCli } from '../../__testUtils__/helmCli';
import { markHelmRevision } from '../../__testUtils__/helmState';
import { argoControllerDeployment } from '../../__testUtils__/argo';
import { createCollateDeployAction } from './collateDeploy';
import { createReleaseUpgradeAction } from './releaseUpgrade';

const helm = helmCli;

// The fixture chart (1.12.3) deployed by collate:deploy as the create templates do, then upgraded to copies of it
// published as 1.12.4 and as a 1.12.5 whose manifests the API server refuses.
describe('collate:upgrade on the local control plane', () => {
  // Each test installs or upgrades with `helm --wait` under the release's lock, some twice: more than Jest's default
  // 5 s on a loaded machine.
  jest.setTimeout(60_000);

  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: { helm: { binary: testEnv.helmBin() } },
  });
  const deploy = createCollateDeployAction(clusterOptions(config));
  const upgrade = createReleaseUpgradeAction(clusterOptions(config));
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  const namespace = `collate-up-${randomBytes(3).toString('hex')}`;
  // The Argo Workflows the release's ingestion runs on (its controller's image is what the upgrade reads).
  const argoNamespace = `${namespace}-argo`;
  let charts: string;
  /** The fixture chart published as another version; `broken` adds an object the API server refuses. */
  const publish = async (version: string, broken = false) => {
    const dir = await publishFixtureChart('openmetadata', version, charts);
    if (broken) {
      await writeFile(
        join(dir, 'templates', 'broken.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Valid_Name\ndata: {}\n',
      );
    }
    return dir;
  };
  const history = async () =>
    JSON.parse(
      (await helm(['history', 'openmetadata', '-n', namespace, '-o', 'json']))
        .stdout,
    ) as Array<{ revision: number; status: string; chart: string }>;
  const userValues = async () =>
    JSON.parse(
      (
        await helm([
          'get',
          'values',
          'openmetadata',
          '-n',
          namespace,
          '-o',
          'json',
        ])
      ).stdout,
    );
  const image = async () =>
    (await apps.readNamespacedDeployment({ name: 'openmetadata', namespace }))
      .spec!.template.spec!.containers[0].image;
  const run = (input: Record<string, unknown>, isDryRun = false) => {
    const c = actionContext(
      {
        cluster: TEST_CLUSTER_NAME,
        namespace,
        repo: '',
        timeoutSeconds: 120,
        ...input,
      } as never,
      { isDryRun },
    );
    return upgrade.handler(c.ctx as never).then(() => c);
  };

  beforeAll(async () => {
    charts = await mkdtemp(join(tmpdir(), 'collate-charts-'));
    await runAction(
      deploy,
      fixtureDeployInput(namespace, {
        imageTag: 'om-1.12.3-cl-1.12.3',
        argoServerUrl: `http://argo-workflows-server.${argoNamespace}:2746`,
      }),
    );
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await core.deleteNamespace({ name: argoNamespace }).catch(() => undefined);
    await rm(charts, { recursive: true, force: true });
  });

  it('dry-run: the chart and app version change and the values that change, nothing upgraded', async () => {
    const chart = await publish('1.12.4');
    const { logger, outputs } = await run(
      { chart, version: '1.12.4', imageTag: 'om-1.12.4-cl-1.12.4' },
      true,
    );
    const log = logger.lines.join('\n');
    expect(log).toContain(
      `${namespace}/openmetadata: openmetadata 1.12.3 (app 1.12.3) → 1.12.4 (app 1.12.4), image tag om-1.12.4-cl-1.12.4`,
    );
    expect(log).toMatch(/would upgrade/);
    expect(log).toContain(
      'image.tag: "om-1.12.3-cl-1.12.3" -> "om-1.12.4-cl-1.12.4"',
    );
    expect(outputs).toMatchObject({
      fromChartVersion: '1.12.3',
      toChartVersion: '1.12.4',
      revision: 1,
    });
    expect((await history()).length).toBe(1);
  });

  it('upgrades chart and image together with the values it was deployed with; a re-run changes nothing', async () => {
    const valuesBefore = await userValues();
    const { outputs } = await run({
      chart: join(charts, 'openmetadata-1.12.4'),
      version: '1.12.4',
      imageTag: 'om-1.12.4-cl-1.12.4',
    });
    expect(outputs).toMatchObject({
      release: 'openmetadata',
      namespace,
      fromChartVersion: '1.12.3',
      toChartVersion: '1.12.4',
      fromAppVersion: '1.12.3',
      toAppVersion: '1.12.4',
      revision: 2,
    });
    const after = await history();
    expect(after.map(h => [h.revision, h.status, h.chart])).toEqual([
      [1, 'superseded', 'openmetadata-1.12.3'],
      [2, 'deployed', 'openmetadata-1.12.4'],
    ]);
    expect(await image()).toMatch(/:om-1\.12\.4-cl-1\.12\.4$/);
    const valuesAfter = await userValues();
    expect(valuesAfter).toEqual({
      ...valuesBefore,
      image: { ...valuesBefore.image, tag: 'om-1.12.4-cl-1.12.4' },
    });

    const again = await run({
      chart: join(charts, 'openmetadata-1.12.4'),
      version: '1.12.4',
      imageTag: 'om-1.12.4-cl-1.12.4',
    });
    expect(again.outputs.revision).toBe(2);
    expect((await history()).length).toBe(2);
  });

  it('refuses, before anything changes: a downgrade, an image of another version, another chart, a missing release', async () => {
    await expect(
      run({
        chart: chartPath('openmetadata'),
        version: '1.12.3',
        imageTag: 'om-1.12.3-cl-1.12.3',
      }),
    ).rejects.toThrow(
      /1\.12\.3 would be a downgrade, which this action refuses unless allowDowngrade is set/,
    );
    await expect(
      run({
        chart: join(charts, 'openmetadata-1.12.4'),
        version: '1.12.4',
        imageTag: 'om-1.12.5-cl-1.12.5',
      }),
    ).rejects.toThrow(
      /'om-1\.12\.5-cl-1\.12\.5' is OpenMetadata 1\.12\.5, but the chart version is 1\.12\.4/,
    );
    await expect(
      run({ chart: chartPath('argo-workflows'), version: '0.45.23' }),
    ).rejects.toThrow(/runs chart openmetadata-1\.12\.4, not argo-workflows/);
    await expect(
      run({
        release: 'nope',
        chart: join(charts, 'openmetadata-1.12.4'),
        version: '1.12.4',
      }),
    ).rejects.toThrow(/Release .*\/nope does not exist/);
    expect((await history()).length).toBe(2);
  });

  it('a failing upgrade rolls back and says what runs now', async () => {
    const chart = await publish('1.12.5', true);
    await expect(
      run({ chart, version: '1.12.5', imageTag: 'om-1.12.5-cl-1.12.5' }),
    ).rejects.toThrow(
      /Upgrading .*\/openmetadata to openmetadata 1\.12\.5 failed; Helm rolled back: revision 4 runs openmetadata-1\.12\.4 \(deployed\)/,
    );
    const after = await history();
    expect(after.map(h => [h.revision, h.status, h.chart])).toEqual([
      [1, 'superseded', 'openmetadata-1.12.3'],
      [2, 'superseded', 'openmetadata-1.12.4'],
      [3, 'failed', 'openmetadata-1.12.5'],
      [4, 'deployed', 'openmetadata-1.12.4'],
    ]);
    expect(await image()).toMatch(/:om-1\.12\.4-cl-1\.12\.4$/);
  });

  it('refuses a release left pending until it is recovered', async () => {
    await markHelmRevision(core, {
      namespace,
      release: 'openmetadata',
      revision: 4,
      status: 'pending-upgrade',
    });
    await expect(
      run({ chart: join(charts, 'openmetadata-1.12.4'), version: '1.12.4' }),
    ).rejects.toThrow(
      /is pending-upgrade \(revision 4\): recover it before upgrading\. Re-run the template that deployed it/,
    );
    expect((await history()).length).toBe(4);
  });
  it('moves the Collate server one release line at a time, on an Argo the new line runs on: 1.12 → 2.0 refused, 1.13 on Argo 4 refused, 1.12 → 1.13 → 2.0 on Argo 3.7 upgraded', async () => {
    // Recovered as an operator would after the previous case left revision 4 pending.
    await markHelmRevision(core, {
      namespace,
      release: 'openmetadata',
      revision: 4,
      status: 'deployed',
    });
    const line13 = await publish('1.13.6');
    const line20 = await publish('2.0.7');
    await expect(
      run({ chart: line20, version: '2.0.7', imageTag: 'om-2.0.7-cl-2.0.7' }),
    ).rejects.toThrow(
      /runs openmetadata 1\.12\.4; 2\.0\.7 skips the 1\.13 line: upgrade to the newest 1\.13\.x first/,
    );
    expect((await history()).length).toBe(4);

    // The release's ingestion runs on an Argo 4 controller: no Collate line is known to run on it, so a new line is
    // refused, saying what to do first; the same Argo on 3.7 lets it through.
    await core.createNamespace({ body: { metadata: { name: argoNamespace } } });
    await apps.createNamespacedDeployment({
      namespace: argoNamespace,
      body: argoControllerDeployment('v4.0.5'),
    });
    await expect(
      run({
        chart: line13,
        version: '1.13.6',
        imageTag: 'om-1.13.6-cl-1.13.6',
      }),
    ).rejects.toThrow(
      `Release ${namespace}/openmetadata runs openmetadata 1.12.4; its ingestion runs on the Argo Workflows at http://argo-workflows-server.${argoNamespace}:2746 (${argoNamespace}/argo-workflows-workflow-controller runs v4.0.5). Collate 1.13.6 runs its ingestion on Argo Workflows 3.7 (the Hybrid Runner chart 1.13.x still bundles Argo 3.7); Argo v4.0.5 is the 4.0 line, which is not known to work with it. Install Argo 3.7 first (collate:argo:install, chart 0.45.x) and point the deployment at it, then upgrade`,
    );
    expect((await history()).length).toBe(4);
    await apps.replaceNamespacedDeployment({
      name: 'argo-workflows-workflow-controller',
      namespace: argoNamespace,
      body: argoControllerDeployment('v3.7.1'),
    });

    const to13 = await run({
      chart: line13,
      version: '1.13.6',
      imageTag: 'om-1.13.6-cl-1.13.6',
    });
    expect(to13.outputs).toMatchObject({
      fromChartVersion: '1.12.4',
      toChartVersion: '1.13.6',
      revision: 5,
    });
    const to20 = await run({
      chart: line20,
      version: '2.0.7',
      imageTag: 'om-2.0.7-cl-2.0.7',
    });
    expect(to20.outputs).toMatchObject({
      fromChartVersion: '1.13.6',
      toChartVersion: '2.0.7',
      revision: 6,
    });
    expect(await image()).toMatch(/:om-2\.0\.7-cl-2\.0\.7$/);
    expect((await history()).at(-1)).toMatchObject({
      status: 'deployed',
      chart: 'openmetadata-2.0.7',
    });
  });
});
