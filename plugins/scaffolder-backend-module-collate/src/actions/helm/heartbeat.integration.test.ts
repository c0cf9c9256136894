// A `helm --wait` that waits for a long time: the server pod asks for more CPU than any node has, so it stays
// Pending and helm waits until its time-out. The task log must say what it awaits at least every 20 s meanwhile.
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { randomBytes } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  chartPath,
  testEnv,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import { clusterOptions } from '../../__testUtils__/clusters';
import { ensureRelease } from '../../lib/helm/release';

describe('heartbeats while helm waits', () => {
  const namespace = `heartbeat-${randomBytes(3).toString('hex')}`;
  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: { helm: { binary: testEnv.helmBin() } },
  });

  afterAll(async () => {
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  it('says every 15 s what it awaits, with how long it has waited and for how long it may', async () => {
    const lines: Array<{ at: number; message: string }> = [];
    const logger = mockServices.logger.mock({
      info: message => {
        lines.push({ at: Date.now(), message: String(message) });
      },
      warn: message => {
        lines.push({ at: Date.now(), message: String(message) });
      },
    });
    const kc = await clusterOptions(config).clusters.serverKubeConfig(
      TEST_CLUSTER_NAME,
    );
    const started = Date.now();
    await expect(
      ensureRelease({
        config,
        kc,
        logger,
        dryRun: false,
        install: {
          release: 'openmetadata',
          namespace,
          chart: chartPath('openmetadata'),
          // No node has 100 CPUs: the pod stays Pending, the Deployment never becomes available.
          values: { resources: { requests: { cpu: '100' } } },
          timeoutSeconds: 35,
        },
        checkpoint: (_key, fn) => fn(),
      }),
    ).rejects.toThrow(/helm upgrade failed/);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThan(30_000);
    const beats = lines.filter(l =>
      l.message.startsWith(
        'still waiting for helm upgrade of openmetadata (its resources ready):',
      ),
    );
    // One at 15 s, one at 30 s (and one more if helm's clean-up after the time-out takes long).
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats[0].message).toMatch(
      /^still waiting for helm upgrade of openmetadata \(its resources ready\): 1[5-6] s of at most 35 s$/,
    );
    // Never silent for more than 20 s, from the start to the failure.
    const times = [started, ...lines.map(l => l.at), Date.now()];
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(20_000);
  }, 120_000);
});
