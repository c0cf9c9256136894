import type { LoggerService } from '@backstage/backend-plugin-api';
import type { WorkflowPhase } from '@internal/backstage-plugin-collate-common';
import {
  KubeHttp,
  KubeRequestError,
  METADATA_LIST,
  METADATA_OBJECT,
} from './kubeHttp';

/** What the index keeps of a Workflow: its metadata, never its spec or status. */
export interface IndexedWorkflow {
  name: string;
  uid: string;
  resourceVersion: string;
  /** creationTimestamp in epoch ms. */
  created: number;
  phase: WorkflowPhase;
  cronWorkflow?: string;
}

export interface WorkflowIndexSummary {
  total: number;
  byPhase: Partial<Record<WorkflowPhase, number>>;
  last24h: Partial<Record<WorkflowPhase, number>>;
  /** Newest first. */
  newest: IndexedWorkflow[];
}

interface ObjectMeta {
  name: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
}

interface MetadataList {
  metadata: { resourceVersion: string; continue?: string };
  items: Array<{ metadata: ObjectMeta }>;
}

const PHASE_LABEL = 'workflows.argoproj.io/phase';
const CRON_LABEL = 'workflows.argoproj.io/cron-workflow';
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
}

/**
 * A metadata-only informer of the Argo Workflows in one namespace: it lists them once (paged, `PartialObjectMetadata`,
 * so neither spec nor status is transferred) and then follows a watch. Counts by phase come from the
 * `workflows.argoproj.io/phase` label the controller sets. A page view reads memory; the upstream cost of a view
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
          void this.follow();
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
    for (const wf of this.items.values()) {
      byPhase[wf.phase] = (byPhase[wf.phase] ?? 0) + 1;
      if (now - wf.created <= DAY_MS) {
        last24h[wf.phase] = (last24h[wf.phase] ?? 0) + 1;
      }
      insertNewest(newest, wf, keep);
    }
    const value = { total: this.items.size, byPhase, last24h, newest };
    this.summaryCache = { generation: this.generation, at: now, value };
    return value;
  }

  stop() {
    this.stopped = true;
    this.abort.abort();
  }

  private async list() {
    const pageSize = this.options.pageSize ?? 500;
    const fresh = new Map<string, IndexedWorkflow>();
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (token) query.set('continue', token);
      const page = await this.http.get<MetadataList>(`${this.path}?${query}`, {
        accept: METADATA_LIST,
        signal: this.abort.signal,
      });
      for (const item of page.items) {
        const wf = toIndexed(item.metadata);
        fresh.set(wf.name, wf);
      }
      token = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion;
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
          allowWatchBookmarks: 'true',
          resourceVersion: this.resourceVersion,
          timeoutSeconds: String(this.options.watchTimeoutSeconds ?? 300),
        });
        await this.http.watch<{ metadata: ObjectMeta; code?: number }>(
          `${this.path}?${query}`,
          event => this.apply(event),
          { accept: METADATA_OBJECT, signal: this.abort.signal },
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

  private apply(event: {
    type: string;
    object: { metadata: ObjectMeta; code?: number };
  }) {
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const wf = toIndexed(event.object.metadata);
        this.items.set(wf.name, wf);
        this.resourceVersion = wf.resourceVersion;
        this.generation++;
        break;
      }
      case 'DELETED':
        this.items.delete(event.object.metadata.name);
        this.resourceVersion = event.object.metadata.resourceVersion;
        this.generation++;
        break;
      case 'BOOKMARK':
        this.resourceVersion = event.object.metadata.resourceVersion;
        break;
      case 'ERROR':
        // A Status object: 410 means the resourceVersion is too old.
        throw new KubeRequestError(
          event.object.code ?? 500,
          `watch error ${event.object.code}`,
        );
      default:
        break;
    }
  }
}

function toIndexed(meta: ObjectMeta): IndexedWorkflow {
  const phase = meta.labels?.[PHASE_LABEL];
  return {
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    created: Date.parse(meta.creationTimestamp),
    phase: phase && PHASES.has(phase) ? (phase as WorkflowPhase) : 'Unknown',
    ...(meta.labels?.[CRON_LABEL]
      ? { cronWorkflow: meta.labels[CRON_LABEL] }
      : {}),
  };
}

/** Keeps `list` the `keep` newest workflows, newest first, in O(keep) per item. */
function insertNewest(
  list: IndexedWorkflow[],
  wf: IndexedWorkflow,
  keep: number,
) {
  if (list.length === keep && wf.created <= list[keep - 1].created) return;
  let i = list.length;
  while (i > 0 && list[i - 1].created < wf.created) i--;
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
