import { ConfigReader } from '@backstage/config';
import { CoreV1Api } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  BACKSTAGE_SERVICE_ACCOUNT,
  kubernetesWrites,
  testEnv,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import { runAction } from '../../__testUtils__/context';
import { fixtureDeployInput } from '../../__testUtils__/deploy';
import { clusterOptions } from '../../__testUtils__/clusters';
import { helmCli } from '../../__testUtils__/helmCli';
import { createCollateDeployAction } from './collateDeploy';
import { createReleaseUninstallAction } from './releaseUninstall';

const helm = helmCli;
const labelsOf = async (release: string, namespace: string) =>
  JSON.parse(
    (await helm(['get', 'metadata', release, '-n', namespace, '-o', 'json']))
      .stdout,
  ).labels ?? {};

// Ownership markers on Helm releases: a release installed for a deployment carries it in its release labels; one
// that was there before is refused, or adopted (never marked) when the step says adopt; decommissioning removes only
// the marked one.
describe('Helm release markers and collate:helm:uninstall on the local control plane', () => {
  // Each test installs or upgrades with `helm --wait` under the release's lock, some twice: more than Jest's default
  // 5 s on a loaded machine.
  jest.setTimeout(60_000);

  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: { helm: { binary: testEnv.helmBin() } },
  });
  const deploy = createCollateDeployAction(clusterOptions(config));
  const uninstall = createReleaseUninstallAction(clusterOptions(config));
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const suffix = randomBytes(3).toString('hex');
  const deployment = `dep-${suffix}`;
  const own = `collate-own-${suffix}`;
  const theirs = `collate-theirs-${suffix}`;
  const deployInput = (namespace: string, extra: object = {}) =>
    fixtureDeployInput(namespace, { deployment, ...extra });
  const run = (
    action: { handler: (ctx: never) => Promise<void> },
    input: object,
    isDryRun = false,
  ) => runAction(action, input, { isDryRun });
  const removal = (namespace: string) => ({
    cluster: TEST_CLUSTER_NAME,
    namespace,
    release: 'openmetadata',
    deployment,
    timeoutSeconds: 120,
  });

  beforeAll(async () => {
    await run(deploy, deployInput(own));
    // Someone else's release of the same chart, there before the deployment.
    await run(deploy, deployInput(theirs, { deployment: undefined }));
  });
  afterAll(async () => {
    for (const name of [own, theirs])
      await core.deleteNamespace({ name }).catch(() => undefined);
  });

  it('marks the release it installs, refuses one that was there, and adopts it without marking it only when asked, even when upgrading it', async () => {
    expect(await labelsOf('openmetadata', own)).toMatchObject({
      'collate.io/deployment': deployment,
    });
    // A changed value: an upgrade, which would merge a marker into the release's labels.
    const changed = {
      search: { host: 'opensearch.collate', port: 9201, scheme: 'http' },
    };
    const since = Date.now();
    for (const isDryRun of [true, false])
      await expect(
        run(deploy, deployInput(theirs, changed), isDryRun),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: `Invalid input 'adopt': Helm release ${theirs}/openmetadata exists and carries no deployment marker, not ${deployment}: it is not changed. Choose another name, or set adopt: true to use it as it is (decommissioning ${deployment} then keeps it)`,
      });
    expect(
      kubernetesWrites({
        since,
        user: BACKSTAGE_SERVICE_ACCOUNT,
        namespace: theirs,
      }),
    ).toEqual([]);
    const adopted = await run(
      deploy,
      deployInput(theirs, { ...changed, adopt: true }),
    );
    expect(adopted.outputs.revision).toBe(2);
    expect(adopted.logger.lines.join('\n')).toContain(
      `Helm release ${theirs}/openmetadata exists and was not created by deployment ${deployment} (no marker): adopted, decommissioning ${deployment} keeps it`,
    );
    expect(await labelsOf('openmetadata', theirs)).not.toHaveProperty(
      'collate.io/deployment',
    );
  });

  it('plans, uninstalls only the marked release, and a second run does nothing', async () => {
    const plan = await run(uninstall, removal(own), true);
    expect(plan.outputs).toEqual({
      chart: 'openmetadata-1.12.3',
      uninstalled: true,
    });
    expect(plan.logger.lines[0]).toMatch(
      new RegExp(
        `^info would uninstall Helm release ${own}/openmetadata \\(openmetadata-1\\.12\\.3, revision 1, deployed\\)$`,
      ),
    );
    await helm(['status', 'openmetadata', '-n', own]);

    const since = Date.now();
    expect((await run(uninstall, removal(own))).outputs.uninstalled).toBe(true);
    await expect(helm(['status', 'openmetadata', '-n', own])).rejects.toThrow(
      /not found/,
    );
    const kept = await run(uninstall, removal(theirs));
    expect(kept.outputs.uninstalled).toBe(false);
    expect(kept.logger.lines.join('\n')).toContain(
      `kept: Helm release ${theirs}/openmetadata (openmetadata-1.12.3) was not installed for deployment ${deployment} (no marker)`,
    );
    await helm(['status', 'openmetadata', '-n', theirs]);
    expect(
      kubernetesWrites({
        since,
        user: BACKSTAGE_SERVICE_ACCOUNT,
        namespace: theirs,
      }),
    ).toEqual([]);

    const again = Date.now();
    const second = await run(uninstall, removal(own));
    expect(second.outputs).toEqual({ uninstalled: false });
    expect(second.logger.lines).toEqual([
      `info Helm release ${own}/openmetadata does not exist: nothing to uninstall`,
    ]);
    expect(
      kubernetesWrites({
        since: again,
        user: BACKSTAGE_SERVICE_ACCOUNT,
        namespace: [own, theirs],
      }),
    ).toEqual([]);
  });
});
