/** How many days of ingestion history the ingestion card charts; the fleet page shows the last 7 of them. @public */
export const COLLATE_HISTORY_DAYS = 14;

/** One UTC day of ingestion runs: outcomes of the runs that started that day, and their durations. @public */
export interface CollateRunDay {
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
  succeeded: number;
  /** Runs that ended Failed or Error. */
  failed: number;
  /** Of the finished runs whose duration is known (Argo's archive records start and end). */
  medianDurationSeconds?: number;
  maxDurationSeconds?: number;
}

/**
 * Response of `GET /entities/:kind/:namespace/:name/history?days=N`: a deployment's ingestion runs per day, oldest
 * day first, from Argo's workflow archive where its Argo server keeps one, else from the live workflows.
 * @public
 */
export interface CollateRunHistory {
  entityRef: string;
  days: CollateRunDay[];
  /** Where the runs were read from, per ingestion location (`cluster/namespace`). */
  sources: Array<{
    location: string;
    source: 'archive' | 'live';
    /** Runs counted from this location in the window. */
    runs: number;
    /** Why this location's archive was not read, or the window holds more runs than were read. */
    note?: string;
  }>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC day (`YYYY-MM-DD`) of an instant. @public */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The `days` UTC days that end with today's, oldest first. @public */
export function historyWindow(days: number, now = Date.now()): string[] {
  return Array.from({ length: days }, (_, i) =>
    utcDay(now - (days - 1 - i) * DAY_MS),
  );
}
