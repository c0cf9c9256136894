import { readFileSync } from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parseAllDocuments } from 'yaml';
import { demoHistory, seedArchivedRuns } from './archive';
import { adminKubeConfig, testEnv, TEST_CLUSTER_NAME } from './env';
import {
  ensureNamespace,
  installFixtureRelease,
  seedWorkflows,
  type SeedPhase,
} from './seed';

/** The demo fleet's catalog file, adopted with the repository's catalog-info.yaml. */
export const DEMO_FLEET_FILE = resolvePackagePath(
  '@internal/testenv',
  '..',
  '..',
  'demo-fleet.yaml',
);

interface FleetSystem {
  name: string;
  cluster: string;
  namespace: string;
}

/** The Systems of demo-fleet.yaml, each with the cluster and namespace it names. */
export function demoFleet(): FleetSystem[] {
  return parseAllDocuments(readFileSync(DEMO_FLEET_FILE, 'utf8'))
    .map(d => d.toJSON())
    .filter(e => e?.kind === 'System')
    .map(e => ({
      name: e.metadata.name,
      cluster: e.metadata.annotations['collate.io/kubernetes-cluster'],
      namespace: e.metadata.annotations['collate.io/namespace'],
    }));
}

/** Run phases of the i-th deployment: most succeed, a few fail, now and then a run is going. */
function phasesOf(i: number): SeedPhase[] {
  const base: SeedPhase[] = ['Succeeded', 'Succeeded', 'Succeeded'];
  if (i % 4 === 1) base.push('Failed');
  if (i % 6 === 2) base.push('Error', 'Failed');
  if (i % 5 === 0) base.push('Running');
  return base;
}

/**
 * The cluster side of the demo fleet, on each System's cluster: an argo-workflows fixture release per cluster, each
 * System's namespace, marked for it, with a few ingestion runs, and the openmetadata fixture release in all but every
 * seventh (whose server card then says its Deployment is missing), `concurrency` at a time. A week of finished runs
 * per System goes into the demo Argo server's archive (the fleet page's chart), which stands in for each cluster's.
 * Idempotent.
 */
export async function seedDemoFleet(concurrency = 4) {
  const fleet = demoFleet();
  const kubeconfigOf = (cluster: string) =>
    cluster === TEST_CLUSTER_NAME
      ? testEnv.kubernetes().kubeconfigPath
      : testEnv.fleetClusters().find(c => c.name === cluster)?.kubeconfigPath;
  for (const cluster of new Set(fleet.map(f => f.cluster))) {
    if (cluster === TEST_CLUSTER_NAME) continue; // the demo System's release
    await installFixtureRelease({
      chart: 'argo-workflows',
      release: 'argo-workflows',
      namespace: 'argo-workflows',
      kubeconfigPath: kubeconfigOf(cluster),
    });
  }
  let next = 0;
  const worker = async () => {
    while (next < fleet.length) {
      const i = next++;
      const { name, cluster, namespace } = fleet[i];
      const kc = adminKubeConfig(cluster);
      await ensureNamespace(namespace, { deployment: name, kc });
      await seedWorkflows(
        namespace,
        phasesOf(i).map((phase, j) => ({
          name: `nightly-metadata-${2000 + j}`,
          phase,
          startedSecondsAgo: (j + 1) * 3 * 3600,
          durationSeconds: 60 + j * 13,
        })),
        { stepPods: false, kc },
      );
      // The last week of runs, in the archive only.
      await ensureNamespace(namespace);
      await seedArchivedRuns(namespace, demoHistory(7, i), { once: true });
      if (i % 7 !== 6)
        await installFixtureRelease({
          chart: 'openmetadata',
          release: 'openmetadata',
          namespace,
          kubeconfigPath: kubeconfigOf(cluster),
        });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return fleet;
}
