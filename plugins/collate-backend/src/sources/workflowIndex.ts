import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  COLLATE_HISTORY_DAYS,
  utcDay,
  type WorkflowPhase,
} from '@collate-backstage/plugin-collate-common';
import { KubeHttp, KubeRequestError, TABLE } from './kubeHttp';
import { FINISHED } from './kubernetesObjects';
import {
  columnsOf,
  indexedWorkflow,
  listWorkflowTable,
  type Columns,
  type IndexedWorkflow,
  type Table,
  WORKFLOW_LIST_PARTS,
} from './workflowTable';

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
 * from the API server's watch cache, in two parts side by side (`listWorkflowTable`), as a Kubernetes Table without objects
 * (`includeObject=None`: name, Status = `.status.phase`, Age = `.status.startedAt`; about 150 bytes a workflow, where
 * even metadata-only objects carry kilobytes of managedFields) and then follows a watch in the same format. A page view reads memory; its upstream cost
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
    // Each page has a deadline of its own: a list that hangs never holds the index's first answer forever.
    const listed = await listWorkflowTable(this.http, this.path, {
      pageSize: this.options.pageSize ?? 5000,
      parts: WORKFLOW_LIST_PARTS,
      signal: () =>
        AbortSignal.any([
          this.abort.signal,
          AbortSignal.timeout(LIST_PAGE_DEADLINE_MS),
        ]),
    });
    this.columns = listed.columns ?? this.columns;
    const now = Date.now();
    this.items.clear();
    for (const cells of listed.rows) {
      const wf = indexedWorkflow(cells, this.columns, now);
      if (wf) this.items.set(wf.name, wf);
    }
    this.resourceVersion = listed.resourceVersion;
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
      const wf = indexedWorkflow(row.cells, this.columns, now);
      if (!wf) continue;
      if (event.type === 'DELETED') this.items.delete(wf.name);
      else if (event.type === 'ADDED' || event.type === 'MODIFIED') {
        this.items.set(wf.name, wf);
      }
      this.generation++;
    }
  }
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
