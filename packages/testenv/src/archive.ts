// Puts finished runs into Argo's workflow archive the way they get there in a cluster: the environment's real
// workflow controller archives each finished workflow (persistence.archive in scripts/testenv/argo.sh). The seeded
// workflows are then deleted, so the archive is the only place they remain, as for runs older than the live ones.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { adminKubeConfig, testEnv } from './env';
import { seedWorkflows, workflowObject, type SeedWorkflow } from './seed';

const ARCHIVING = 'workflows.argoproj.io/workflow-archiving-status';
/** Each call's batch, to wait for and delete exactly its own runs. */
const SEEDED_FOR_ARCHIVE = 'collate.test/archive-seed';
/** On every seeded run: `once` looks for these only (the controller archives real runs of the namespace too). */
const SEEDED = 'collate.test/archive-seeded';

export interface ArchivedSeedRun {
  name: string;
  phase: 'Succeeded' | 'Failed' | 'Error';
  startedSecondsAgo: number;
  durationSeconds: number;
}

/**
 * Finished runs for the archive: created without the seed's controller instance id (so the real controller, which
 * runs without one, picks them up) and marked for archiving as the controller marks the workflows it completes. Waits
 * until the controller has archived every one, then deletes them from the cluster.
 */
export async function seedArchivedRuns(
  namespace: string,
  runs: ArchivedSeedRun[],
  options: {
    kc?: KubeConfig;
    timeoutMs?: number;
    /** Seed nothing when the archive already holds seeded runs of the namespace (the demo, started again). */
    once?: boolean;
  } = {},
) {
  if (options.once && (await archivedCount(namespace)) > 0) return;
  const kc = options.kc ?? adminKubeConfig();
  const api = kc.makeApiClient(CustomObjectsApi);
  const batch = `${Date.now().toString(36)}`;
  const seeded: SeedWorkflow[] = runs.map(r => ({
    ...r,
    labels: {
      [ARCHIVING]: 'Pending',
      [SEEDED_FOR_ARCHIVE]: batch,
      [SEEDED]: 'true',
    },
  }));
  // workflowObject sets the seed's instance id; the controller must see these as its own.
  await seedWorkflows(namespace, seeded, {
    kc,
    stepPods: false,
    body: forController,
  });
  const selector = `${SEEDED_FOR_ARCHIVE}=${batch}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const list = (await api.listNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace,
      plural: 'workflows',
      labelSelector: `${selector},${ARCHIVING}=Archived`,
    })) as { items: unknown[] };
    if (list.items.length >= runs.length) break;
    if (Date.now() > deadline)
      throw new Error(
        `The workflow controller archived ${list.items.length} of ${runs.length} runs in ${namespace}: is the archive on (scripts/testenv/argo.sh)?`,
      );
    await new Promise(r => setTimeout(r, 250));
  }
  await api.deleteCollectionNamespacedCustomObject({
    group: 'argoproj.io',
    version: 'v1alpha1',
    namespace,
    plural: 'workflows',
    labelSelector: selector,
  });
}

/** How many seeded runs of a namespace the environment's Argo server has in its archive (at most 1: whether any). */
async function archivedCount(namespace: string) {
  const res = await fetch(
    `${testEnv.argoUrl()}/api/v1/archived-workflows?${new URLSearchParams({
      namespace,
      'listOptions.labelSelector': `${SEEDED}=true`,
      'listOptions.limit': '1',
    })}`,
  );
  if (!res.ok)
    throw new Error(`Argo server answered ${res.status} for its archive`);
  const body = (await res.json()) as { items?: unknown[] | null };
  return body.items?.length ?? 0;
}

/** A seeded workflow as the environment's own controller takes it: without the seed's controller instance id. */
function forController(namespace: string, w: SeedWorkflow) {
  const body = workflowObject(namespace, w);
  delete (body.metadata.labels as Record<string, string>)[
    'workflows.argoproj.io/controller-instanceid'
  ];
  return body;
}

/** Now and then a run fails, more rarely it errors. */
function phaseOf(k: number): ArchivedSeedRun['phase'] {
  if (k % 9 === 4) return 'Failed';
  if (k % 13 === 6) return 'Error';
  return 'Succeeded';
}

/**
 * A deployment's ingestion history for the demo: two nightly ingestions a day over `days` days, a few failed and
 * durations that vary, in a pattern fixed by `seed` (each demo deployment looks different, and the same every time).
 */
export function demoHistory(days: number, seed = 0): ArchivedSeedRun[] {
  const now = new Date();
  const midnight = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  const runs: ArchivedSeedRun[] = [];
  for (let d = days - 1; d >= 0; d--) {
    for (const [j, hour] of [1, 13].entries()) {
      const started = midnight - d * 86_400_000 + hour * 3_600_000;
      // Today's afternoon run has not happened yet.
      if (started > Date.now() - 3600_000) continue;
      const k = seed * 7 + d * 3 + j;
      runs.push({
        name: `history-${d}d-${j ? 'profiler' : 'metadata'}`,
        phase: phaseOf(k),
        startedSecondsAgo: Math.round((Date.now() - started) / 1000),
        durationSeconds: 180 + ((k * 37) % 240) + (j ? 300 : 0),
      });
    }
  }
  return runs;
}
