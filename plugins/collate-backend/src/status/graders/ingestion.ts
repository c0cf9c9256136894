import { mapBounded } from '../bounded';
import {
  COLLATE_ANNOTATIONS,
  COLLATE_MAX_INGESTION_LOCATIONS,
  pipelineHealth,
  readIngestionLocations,
  type AnnotatedEntity,
  type CollateIngestionStatus,
  type WorkflowPhase,
  type WorkflowRun,
  type WorkflowSchedule,
} from '@collate-backstage/plugin-collate-common';
import { argoLinks } from '../../sources/argoServer';
import type { WorkflowOverview } from '../../sources/kubernetesObjects';
import { Findings } from '../findings';
import type { Annotations, GradeContext } from './context';

/** How many of an entity's ingestion locations are read at once on a cold view (its status and its history). */
export const LOCATIONS_IN_FLIGHT = 8;

/**
 * Ingestion: the Argo workflows and schedules of every location the entity names, and Collate's pipelines, graded
 * on failed and stale runs.
 */
export async function gradeIngestion(
  ctx: GradeContext,
  a: Annotations,
  entity: AnnotatedEntity,
): Promise<CollateIngestionStatus> {
  const u = ctx.user;
  const f = new Findings();
  const collate = a.serverUrl
    ? ctx.servers.collateFor(a.serverUrl, f)
    : undefined;
  // Every place the entity's workflows run, each with its own Argo server (links) and its own failures.
  const { locations, invalid, overLimit } = readIngestionLocations(entity);
  if (overLimit.length > 0)
    f.judge(
      'unknown',
      `${
        overLimit.length
      } ingestion location(s) past the limit of ${COLLATE_MAX_INGESTION_LOCATIONS} are not followed: ${overLimit
        .slice(0, 3)
        .join(', ')}${overLimit.length > 3 ? ', …' : ''}`,
    );
  for (const entry of invalid)
    f.judge(
      'unknown',
      `${COLLATE_ANNOTATIONS.ingestionLocations}: '${entry}' is not cluster/namespace[=argo-server-url]`,
    );
  const inCluster = locations.length > 0;
  const [perLocation, pipelines] = await Promise.all([
    // Cold, each location is a list per cluster: at most LOCATIONS_IN_FLIGHT at once.
    mapBounded(locations, LOCATIONS_IN_FLIGHT, async l => {
      const [workflows, schedules] = await Promise.all([
        ctx.reads.workflows(u, l.cluster, l.namespace, ctx.runs),
        ctx.reads.schedules(u, l.cluster, l.namespace),
      ]);
      return { location: l, workflows, schedules };
    }),
    collate && ctx.reads.pipelines(collate),
  ]);
  const several = locations.length > 1;
  let wf:
    | { runs: WorkflowRun[]; last24h: WorkflowOverview['last24h'] }
    | undefined;
  let sched: { schedules: WorkflowSchedule[] } | undefined;
  const notFollowed: string[] = [];
  for (const { location: l, workflows, schedules } of perLocation) {
    const where = several ? ` (${l.cluster}/${l.namespace})` : '';
    const got = f.take('kubernetes', workflows);
    if (got?.notFollowed)
      notFollowed.push(`${l.cluster}/${l.namespace}: ${got.notFollowed}`);
    if (got?.staleReason) {
      f.judge(
        'degraded',
        `Workflow counts may be stale${where}: ${got.staleReason}`,
      );
    }
    const argo = l.argoServerUrl
      ? ctx.servers.argoByUrl(l.argoServerUrl)
      : undefined;
    if (got) {
      wf ??= { runs: [], last24h: {} };
      for (const [phase, n] of Object.entries(got.last24h))
        wf.last24h[phase as WorkflowPhase] =
          (wf.last24h[phase as WorkflowPhase] ?? 0) + (n ?? 0);
      wf.runs.push(
        ...got.runs.map(run => ({
          ...run,
          cluster: l.cluster,
          ...(argo ? argoLinks(argo, run.namespace, run.name) : {}),
        })),
      );
    }
    const cron = f.take('kubernetes', schedules);
    if (cron) {
      sched ??= { schedules: [] };
      sched.schedules.push(...cron.schedules);
    }
  }
  // The newest runs of all locations together.
  const runs = wf?.runs
    .sort((x, y) => (y.startedAt ?? '').localeCompare(x.startedAt ?? ''))
    .slice(0, ctx.config.recentRuns);
  if (wf) {
    const failed24h = (wf.last24h.Failed ?? 0) + (wf.last24h.Error ?? 0);
    const total24h = Object.values(wf.last24h).reduce((s, n) => s + n, 0);
    if (failed24h > 0) {
      f.judge(
        'degraded',
        `${failed24h} of ${total24h} runs in the last 24 h failed`,
      );
    }
  }
  const stale = runs?.filter(r => r.stale) ?? [];
  if (stale.length > 0) {
    f.judge(
      'degraded',
      `${
        stale.length === 1 ? '1 run looks' : `${stale.length} runs look`
      } stale: ${stale[0].name}: ${stale[0].stale}`,
    );
  }
  const taken = pipelines && f.take('collate', pipelines);
  // Collate's word on a run it still calls running or queued long after it began.
  const pipes = taken && {
    ...taken,
    pipelines: taken.pipelines.map(p => {
      const since = p.lastRunAt ? Date.now() - Date.parse(p.lastRunAt) : 0;
      const graded =
        (p.lastState === 'running' || p.lastState === 'queued') &&
        since > ctx.config.staleRunMs
          ? {
              ...p,
              stale: `Collate has said ${p.lastState} for ${Math.round(
                since / 3_600_000,
              )} h (limit collate.status.staleRunMinutes ${Math.round(
                ctx.config.staleRunMs / 60_000,
              )} min)`,
            }
          : p;
      return { ...graded, health: pipelineHealth(graded) };
    }),
  };
  const stalePipelines = pipes?.pipelines.filter(p => p.stale) ?? [];
  if (stalePipelines.length > 0) {
    f.judge(
      'degraded',
      `Pipeline ${stalePipelines[0].name} looks stale: ${stalePipelines[0].stale}`,
    );
  }
  const failing = pipes?.pipelines.filter(p => p.lastState === 'failed');
  if (failing?.length) {
    f.judge(
      'degraded',
      `Last run failed for ${failing.map(p => p.name).join(', ')}`,
    );
  }
  if (!inCluster && !collate) {
    f.judge(
      'unknown',
      `Add ${COLLATE_ANNOTATIONS.cluster} and ${COLLATE_ANNOTATIONS.namespace}, or ${COLLATE_ANNOTATIONS.serverUrl}`,
    );
  }
  return {
    component: 'ingestion',
    ...f.result(ctx.config.notice),
    ...(a.namespace ? { namespace: a.namespace } : {}),
    ...(runs ? { runs } : {}),
    ...(wf ? { last24h: wf.last24h } : {}),
    ...(sched ? { schedules: sched.schedules } : {}),
    ...(pipes ? { pipelines: pipes.pipelines } : {}),
    ...(pipes?.truncated ? { pipelinesTruncated: true } : {}),
    ...(notFollowed.length ? { notFollowed } : {}),
  };
}
