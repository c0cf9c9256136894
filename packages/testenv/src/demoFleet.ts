import { readFileSync } from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parseAllDocuments } from 'yaml';
import { demoHistory, seedArchivedRuns } from './archive';
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
  namespace: string;
}

/** The Systems of demo-fleet.yaml, each with the namespace it names. */
export function demoFleet(): FleetSystem[] {
  return parseAllDocuments(readFileSync(DEMO_FLEET_FILE, 'utf8'))
    .map(d => d.toJSON())
    .filter(e => e?.kind === 'System')
    .map(e => ({
      name: e.metadata.name,
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
 * The cluster side of the demo fleet: each System's namespace, marked for it, with a few ingestion runs and a week
 * of archived ones, and the
 * openmetadata fixture release in all but every seventh (whose server card then says its Deployment is missing),
 * `concurrency` at a time. Idempotent.
 */
export async function seedDemoFleet(concurrency = 4) {
  const fleet = demoFleet();
  let next = 0;
  const worker = async () => {
    while (next < fleet.length) {
      const i = next++;
      const { name, namespace } = fleet[i];
      await ensureNamespace(namespace, { deployment: name });
      await seedWorkflows(
        namespace,
        phasesOf(i).map((phase, j) => ({
          name: `nightly-metadata-${2000 + j}`,
          phase,
          startedSecondsAgo: (j + 1) * 3 * 3600,
          durationSeconds: 60 + j * 13,
        })),
        { stepPods: false },
      );
      // The last week of runs, in the archive only: the fleet row's chart.
      await seedArchivedRuns(namespace, demoHistory(7, i), { once: true });
      if (i % 7 !== 6)
        await installFixtureRelease({
          chart: 'openmetadata',
          release: 'openmetadata',
          namespace,
        });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return fleet;
}
