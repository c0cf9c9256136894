import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  COLLATE_HISTORY_DAYS,
  utcDay,
  type WorkflowPhase,
} from '@collate-backstage/plugin-collate-common';
import { KubeHttp, KubeRequestError, TABLE } from './kubeHttp';
import { FINISHED } from './kubernetesObjects';

/** What the index keeps of a Workflow: name, phase and when it started; never its spec or status. */
export interface IndexedWorkflow {
  name: string;
  /** When it started (epoch ms), from the Age column: exact to its display unit. */
  started: number;
  phase: WorkflowPhase;
}

export interface WorkflowIndexSummary {
  total: number;
  byPhase: Partial<Record<WorkflowPhase, number>>;
  last24h: Partial<Record<WorkflowPhase, number>>;
  /**
   * Finished runs by the UTC day they started (`YYYY-MM-DD`), for the last {@link COLLATE_HISTORY_DAYS} days: the
   * ingestion history where Argo keeps no archive.
   */
  daily: Record<string, { succeeded: number; failed: number }>;
  /** Newest first. */
  newest: IndexedWorkflow[];
}

/** The API server's Table rendering (`kubectl get`), without objects: the Workflow CRD's printer columns. */
interface Table {
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions?: Array<{ name: string }> | null;
  rows?: Array<{ cells: unknown[] }>;
  /** Set on watch ERROR events (a Status object). */
  code?: number;
}

interface Columns {
  name: number;
  status: number;
  age: number;
}

const PHASES: ReadonlySet<string> = new Set([
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Error',
]);
const DAY_MS = 24 * 60 * 60 * 1000;

export interface WorkflowIndexOptions {
  /** Items per list page: the list runs once per sync, never per page view. */
  pageSize?: number;
  /** How many of the newest workflows the summary keeps. */
  newest?: number;
  /** Server-side timeout of each watch request, after which the watch is resumed. */
  watchTimeoutSeconds?: number;
  /** False for a one-off read (a user's own token): list once, never watch. Default true. */
  follow?: boolean;
}

/** How long one page of the workflow list may take. */
const LIST_PAGE_DEADLINE_MS = 60_000;

/**
 * An informer of the Argo Workflows in one namespace that transfers only their printer columns: it lists them once,
 * from the API server's watch cache, as a Kubernetes Table without objects (`includeObject=None`: name, Status =
 * `.status.phase`, Age = `.status.startedAt`; about 150 bytes a workflow, where even metadata-only objects carry
 * kilobytes of managedFields) and then follows a watch in the same format. A page view reads memory; its upstream cost
 * does not grow with the number of workflows.
 */
export class WorkflowIndex {
  private readonly items = new Map<string, IndexedWorkflow>();
  private resourceVersion = '';
  private generation = 0;
  private summaryCache?: {
    generation: number;
    at: number;
    value: WorkflowIndexSummary;
  };
  private readonly abort = new AbortController();
  private syncing?: Promise<void>;
  private lastError?: string;
  private stopped = false;
  private columns?: Columns;
  private readonly path: string;

  constructor(
    private readonly http: KubeHttp,
    readonly namespace: string,
    private readonly logger: LoggerService,
    private readonly options: WorkflowIndexOptions = {},
  ) {
    this.path = `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(
      namespace,
    )}/workflows`;
  }

  /** Resolves once the first list has completed; rejects if it failed (the next call tries again). */
  ready(): Promise<void> {
    if (!this.syncing) {
      this.syncing = this.list().then(
        () => {
          if (this.options.follow !== false) void this.follow();
        },
        error => {
          this.syncing = undefined;
          throw error;
        },
      );
    }
    return this.syncing;
  }

  /** The watch's last failure, while it has not recovered. */
  get error(): string | undefined {
    return this.lastError;
  }

  summary(now = Date.now()): WorkflowIndexSummary {
    const cached = this.summaryCache;
    // The 24 h window moves with time: recompute at least every 30 s even without events.
    if (
      cached &&
      cached.generation === this.generation &&
      now - cached.at < 30_000
    ) {
      return cached.value;
    }
    const byPhase: WorkflowIndexSummary['byPhase'] = {};
    const last24h: WorkflowIndexSummary['last24h'] = {};
    const keep = this.options.newest ?? 10;
    const newest: IndexedWorkflow[] = [];
    // Days as numbers (days since the epoch, UTC) while counting; a date string only per day, not per workflow.
    const firstDay = Math.floor(now / DAY_MS) - (COLLATE_HISTORY_DAYS - 1);
    const succeeded = new Array<number>(COLLATE_HISTORY_DAYS).fill(0);
    const failed = new Array<number>(COLLATE_HISTORY_DAYS).fill(0);
    for (const wf of this.items.values()) {
      byPhase[wf.phase] = (byPhase[wf.phase] ?? 0) + 1;
      if (now - wf.started <= DAY_MS) {
        last24h[wf.phase] = (last24h[wf.phase] ?? 0) + 1;
      }
      const day = Math.floor(wf.started / DAY_MS) - firstDay;
      if (day >= 0 && day < COLLATE_HISTORY_DAYS && FINISHED.has(wf.phase)) {
        if (wf.phase === 'Succeeded') succeeded[day]++;
        else failed[day]++;
      }
      insertNewest(newest, wf, keep);
    }
    const daily: WorkflowIndexSummary['daily'] = {};
    for (let d = 0; d < COLLATE_HISTORY_DAYS; d++) {
      if (succeeded[d] || failed[d]) {
        daily[utcDay((firstDay + d) * DAY_MS)] = {
          succeeded: succeeded[d],
          failed: failed[d],
        };
      }
    }
    const value = { total: this.items.size, byPhase, last24h, daily, newest };
    this.summaryCache = { generation: this.generation, at: now, value };
    return value;
  }

  stop() {
    this.stopped = true;
    this.abort.abort();
  }

  private async list() {
    const pageSize = this.options.pageSize ?? 5000;
    const fresh = new Map<string, IndexedWorkflow>();
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const query = new URLSearchParams({
        limit: String(pageSize),
        includeObject: 'None',
      });
      // The first page from the API server's watch cache (resourceVersion 0, as client-go's informers list), never
      // from etcd: a continued list can fall through to etcd and read every object in full (seconds at 10,000
      // workflows where the cache answers in about 100 ms). The watch then brings the index up to date.
      if (token) query.set('continue', token);
      else query.set('resourceVersion', '0');
      // Each page has a deadline of its own: a list that hangs never holds the index's first answer forever.
      const page = await this.http.get<Table>(`${this.path}?${query}`, {
        accept: TABLE,
        signal: AbortSignal.any([
          this.abort.signal,
          AbortSignal.timeout(LIST_PAGE_DEADLINE_MS),
        ]),
      });
      this.columns = columnsOf(page) ?? this.columns;
      const now = Date.now();
      for (const row of page.rows ?? []) {
        const wf = this.toIndexed(row.cells, now);
        if (wf) fresh.set(wf.name, wf);
      }
      token = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion ?? '';
    } while (token);
    this.items.clear();
    for (const [k, v] of fresh) this.items.set(k, v);
    this.resourceVersion = resourceVersion;
    this.generation++;
  }

  /** Follows the watch from the listed resourceVersion; relists when it has expired (410 Gone). */
  private async follow() {
    let delay = 500;
    while (!this.stopped) {
      try {
        const query = new URLSearchParams({
          watch: '1',
          includeObject: 'None',
          allowWatchBookmarks: 'true',
          resourceVersion: this.resourceVersion,
          timeoutSeconds: String(this.options.watchTimeoutSeconds ?? 300),
        });
        // The server ends a watch after timeoutSeconds; one that outlives it by a minute has gone silent: cut.
        const timeout = this.options.watchTimeoutSeconds ?? 300;
        await this.http.watch<Table>(
          `${this.path}?${query}`,
          event => this.apply(event),
          {
            accept: TABLE,
            signal: AbortSignal.any([
              this.abort.signal,
              AbortSignal.timeout((timeout + 60) * 1000),
            ]),
          },
        );
        this.lastError = undefined;
        delay = 500;
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof KubeRequestError && error.status === 410) {
          await this.relist();
          continue;
        }
        this.lastError = (error as Error).message;
        this.logger.warn(
          `Watch of workflows in ${this.namespace} failed, retrying in ${delay} ms: ${this.lastError}`,
        );
        await sleep(delay, this.abort.signal);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private async relist() {
    try {
      await this.list();
      this.lastError = undefined;
    } catch (error) {
      this.lastError = (error as Error).message;
      await sleep(1000, this.abort.signal);
    }
  }

  private apply(event: { type: string; object: Table }) {
    const table = event.object;
    if (event.type === 'ERROR') {
      // A Status object: 410 means the resourceVersion is too old.
      throw new KubeRequestError(
        table.code ?? 500,
        `watch error ${table.code}`,
      );
    }
    this.columns = columnsOf(table) ?? this.columns;
    if (table.metadata?.resourceVersion) {
      this.resourceVersion = table.metadata.resourceVersion;
    }
    const now = Date.now();
    for (const row of table.rows ?? []) {
      const wf = this.toIndexed(row.cells, now);
      if (!wf) continue;
      if (event.type === 'DELETED') this.items.delete(wf.name);
      else if (event.type === 'ADDED' || event.type === 'MODIFIED') {
        this.items.set(wf.name, wf);
      }
      this.generation++;
    }
  }

  private toIndexed(
    cells: unknown[],
    now: number,
  ): IndexedWorkflow | undefined {
    const c = this.columns;
    const name = cells[c?.name ?? 0];
    if (typeof name !== 'string') return undefined;
    const status = c && c.status >= 0 ? cells[c.status] : undefined;
    const age = c && c.age >= 0 ? cells[c.age] : undefined;
    const ageMs = typeof age === 'string' ? parseAgeCached(age) : undefined;
    return {
      name,
      // Not started yet (no Age): as new as it gets.
      started: ageMs === undefined ? now : now - ageMs,
      phase:
        typeof status === 'string' && PHASES.has(status)
          ? (status as WorkflowPhase)
          : 'Unknown',
    };
  }
}

function columnsOf(table: Table): Columns | undefined {
  const defs = table.columnDefinitions;
  if (!defs?.length) return undefined;
  const index = (name: string) => defs.findIndex(d => d.name === name);
  // The Workflow CRD's printer columns; without them only names are known.
  return {
    name: Math.max(index('Name'), 0),
    status: index('Status'),
    age: index('Age'),
  };
}

const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
};

/** Kubernetes' human durations (`45s`, `5m30s`, `8h`, `3d11h`, `2y45d`) in ms; undefined for `<unknown>`. */
export function parseAge(age: string): number | undefined {
  const parts = [...age.matchAll(/(\d+)([ydhms])/g)];
  if (!parts.length || parts.map(p => p[0]).join('') !== age.trim()) {
    return undefined;
  }
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * UNIT_MS[unit], 0);
}

/**
 * {@link parseAge} remembered per text: a list of thousands of workflows has a few hundred distinct ages, and the
 * parse is most of the cost of indexing a row. Bounded: forgotten wholesale past 4,096 texts.
 */
const parsedAges = new Map<string, number | undefined>();
function parseAgeCached(age: string): number | undefined {
  if (parsedAges.has(age)) return parsedAges.get(age);
  if (parsedAges.size >= 4096) parsedAges.clear();
  const ms = parseAge(age);
  parsedAges.set(age, ms);
  return ms;
}

/** Keeps `list` the `keep` newest workflows, newest first, in O(keep) per item. */
function insertNewest(
  list: IndexedWorkflow[],
  wf: IndexedWorkflow,
  keep: number,
) {
  if (list.length === keep && wf.started <= list[keep - 1].started) return;
  let i = list.length;
  while (i > 0 && list[i - 1].started < wf.started) i--;
  list.splice(i, 0, wf);
  if (list.length > keep) list.pop();
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>(resolve => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
