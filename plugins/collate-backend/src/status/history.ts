import {
  historyWindow,
  readIngestionLocations,
  utcDay,
  type AnnotatedEntity,
  type CollateRunDay,
  type CollateRunHistory,
} from '@collate-backstage/plugin-collate-common';
import { mapBounded } from './bounded';
import type { GradeContext } from './graders/context';
import { LOCATIONS_IN_FLIGHT } from './graders/ingestion';

type Tally = { succeeded: number; failed: number; durations: number[] };

/**
 * An entity's ingestion runs per UTC day over the last `days` days, from every ingestion location it names. Argo's
 * controller archives each workflow when it finishes (the archive of a location's configured Argo server), and the
 * live workflows hold those not yet deleted: a day counts, per outcome, the larger of the two. That is exact when one
 * holds the other's runs (everything archived, or a selective archive with nothing deleted yet), the cases Argo
 * produces. Durations come from the archive, which records start and end. Without an archive (or while it fails) the
 * live workflows are counted alone, and the location's source says why.
 */
export async function readRunHistory(
  ctx: GradeContext,
  entity: AnnotatedEntity,
  days: number,
  now = Date.now(),
): Promise<Omit<CollateRunHistory, 'entityRef'>> {
  const window = historyWindow(days, now);
  const since = new Date(`${window[0]}T00:00:00Z`);
  const total = tallies(window);
  const { locations } = readIngestionLocations(entity);
  const sources = await mapBounded(
    locations,
    LOCATIONS_IN_FLIGHT,
    async (l): Promise<CollateRunHistory['sources'][number]> => {
      const location = `${l.cluster}/${l.namespace}`;
      const argo = l.argoServerUrl
        ? ctx.servers.argoByUrl(l.argoServerUrl)
        : undefined;
      const [archived, live] = await Promise.all([
        argo && ctx.reads.archivedRuns(argo, l.namespace, since),
        ctx.reads.workflows(ctx.user, l.cluster, l.namespace, 'none'),
      ]);
      const here = tallies(window);
      if (archived?.ok) {
        for (const r of archived.value.runs) {
          const t = here.get(utcDay(r.startedAt));
          if (!t) continue;
          if (r.phase === 'Succeeded') t.succeeded++;
          else t.failed++;
          if (r.finishedAt !== undefined)
            t.durations.push((r.finishedAt - r.startedAt) / 1000);
        }
      }
      if (live.ok) {
        for (const [day, c] of Object.entries(live.value.daily)) {
          const t = here.get(day);
          if (!t) continue;
          t.succeeded = Math.max(t.succeeded, c.succeeded);
          t.failed = Math.max(t.failed, c.failed);
        }
      }
      let runs = 0;
      for (const [day, t] of here) {
        const sum = total.get(day)!;
        sum.succeeded += t.succeeded;
        sum.failed += t.failed;
        sum.durations.push(...t.durations);
        runs += t.succeeded + t.failed;
      }
      if (archived?.ok)
        return {
          location,
          source: 'archive',
          runs,
          ...(archived.value.truncated
            ? {
                note: `More than ${ctx.config.history.maxRuns} runs in the window: the oldest were not read (collate.status.history.maxRunsPerLocation)`,
              }
            : {}),
        };
      let why: string;
      if (archived)
        why = `Argo's workflow archive did not answer (${archived.error})`;
      else if (l.argoServerUrl)
        why = `${l.argoServerUrl} is not configured under collate.argo.servers`;
      else why = 'No Argo server is annotated for this location';
      return {
        location,
        source: 'live',
        runs,
        note: live.ok
          ? `${why}: live workflows counted, without durations`
          : `${why}, and the live workflows could not be read: ${live.error}`,
      };
    },
  );
  return {
    days: window.map(date => toDay(date, total.get(date)!)),
    sources,
  };
}

function tallies(window: string[]) {
  return new Map<string, Tally>(
    window.map(d => [d, { succeeded: 0, failed: 0, durations: [] }]),
  );
}

function toDay(date: string, t: Tally): CollateRunDay {
  const d = [...t.durations].sort((a, b) => a - b);
  let median: number | undefined;
  if (d.length % 2) median = d[(d.length - 1) / 2];
  else if (d.length) median = (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
  return {
    date,
    succeeded: t.succeeded,
    failed: t.failed,
    ...(median !== undefined
      ? {
          medianDurationSeconds: Math.round(median),
          maxDurationSeconds: Math.round(d[d.length - 1]),
        }
      : {}),
  };
}
