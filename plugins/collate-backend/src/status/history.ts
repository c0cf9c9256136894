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

/** How many of an entity's ingestion locations are read at once (as the ingestion grader reads them). */
const LOCATIONS_IN_FLIGHT = 8;

type Tally = { succeeded: number; failed: number; durations: number[] };

/**
 * An entity's ingestion runs per UTC day over the last `days` days, from every ingestion location it names. A
 * location whose Argo server is configured is read from Argo's workflow archive: the controller archives each
 * workflow when it finishes, so the archive holds every finished run, still live or long deleted, with its start and
 * end. Without one (or while it fails) the location's live workflows are counted, without durations, and the
 * location's source says why.
 */
export async function readRunHistory(
  ctx: GradeContext,
  entity: AnnotatedEntity,
  days: number,
  now = Date.now(),
): Promise<Omit<CollateRunHistory, 'entityRef'>> {
  const window = historyWindow(days, now);
  const since = new Date(`${window[0]}T00:00:00Z`);
  const tally = new Map<string, Tally>(
    window.map(d => [d, { succeeded: 0, failed: 0, durations: [] }]),
  );
  const count = (day: string, succeeded: boolean, n = 1) => {
    const t = tally.get(day);
    if (!t) return false;
    if (succeeded) t.succeeded += n;
    else t.failed += n;
    return true;
  };
  const { locations } = readIngestionLocations(entity);
  const sources = await mapBounded(
    locations,
    LOCATIONS_IN_FLIGHT,
    async (l): Promise<CollateRunHistory['sources'][number]> => {
      const location = `${l.cluster}/${l.namespace}`;
      const argo = l.argoServerUrl
        ? ctx.servers.argoByUrl(l.argoServerUrl)
        : undefined;
      let why: string;
      if (argo) {
        const archived = await ctx.reads.archivedRuns(argo, l.namespace, since);
        if (archived.ok) {
          let runs = 0;
          for (const r of archived.value.runs) {
            if (!count(utcDay(r.startedAt), r.phase === 'Succeeded')) continue;
            runs++;
            if (r.finishedAt !== undefined)
              tally
                .get(utcDay(r.startedAt))!
                .durations.push((r.finishedAt - r.startedAt) / 1000);
          }
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
        }
        why = `Argo's workflow archive did not answer (${archived.error})`;
      } else {
        why = l.argoServerUrl
          ? `${l.argoServerUrl} is not configured under collate.argo.servers`
          : 'No Argo server is annotated for this location';
      }
      const note = `${why}: live workflows counted, without durations`;
      const live = await ctx.reads.workflows(ctx.user, l.cluster, l.namespace);
      if (!live.ok)
        return {
          location,
          source: 'live',
          runs: 0,
          note: `${note}; they could not be read: ${live.error}`,
        };
      let runs = 0;
      for (const [day, c] of Object.entries(live.value.daily)) {
        if (count(day, true, c.succeeded)) runs += c.succeeded;
        if (count(day, false, c.failed)) runs += c.failed;
      }
      return { location, source: 'live', runs, note };
    },
  );
  return {
    days: window.map(date => toDay(date, tally.get(date)!)),
    sources,
  };
}

function toDay(date: string, t: Tally): CollateRunDay {
  const d = [...t.durations].sort((a, b) => a - b);
  const median =
    d.length === 0
      ? undefined
      : d.length % 2
      ? d[(d.length - 1) / 2]
      : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
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
