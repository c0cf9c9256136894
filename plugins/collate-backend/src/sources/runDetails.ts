import type { KubeHttp } from './kubeHttp';
import {
  ago,
  FINISHED,
  POD_NODE_ID,
  toRun,
  WORKFLOW_LABEL,
  type DetailedRuns,
  type K8sWorkflow,
  type List,
  type WorkflowRunDetail,
} from './kubernetesObjects';
import type { IndexedWorkflow } from './workflowTable';

/**
 * The status fields of the newest runs, kept per run: fetched once when a run has finished, at most every 10 s while
 * it runs, and judged stale when Argo's word no longer matches the cluster.
 */
export class RunDetails {
  private readonly details = new Map<
    string,
    { run: WorkflowRunDetail; at: number }
  >();
  /** Reads in flight: the cards' components ask for the same namespace's runs at once. */
  private readonly inflight = new Map<string, Promise<WorkflowRunDetail>>();

  constructor(
    private readonly options: { pageSize: number; staleRunMs: number },
  ) {}

  /** A run's status fields: fetched once when it has finished, at most every 10 s while it runs. */
  async get(
    http: KubeHttp,
    /** Undefined when read with a user's own token: nothing is kept for other users. */
    cluster: string | undefined,
    namespace: string,
    wf: IndexedWorkflow,
    signal: AbortSignal,
  ): Promise<WorkflowRunDetail> {
    const key = `${cluster}/${namespace}/${wf.name}/${wf.phase}`;
    const known = cluster ? this.details.get(key) : undefined;
    if (
      known &&
      (FINISHED.has(known.run.phase) || Date.now() - known.at < 10_000)
    ) {
      return known.run;
    }
    if (!cluster) return this.fetch(http, cluster, key, namespace, wf, signal);
    const running = this.inflight.get(key);
    if (running) return running;
    const promise = this.fetch(http, cluster, key, namespace, wf, signal);
    this.inflight.set(key, promise);
    try {
      return await promise;
    } finally {
      this.inflight.delete(key);
    }
  }

  private async fetch(
    http: KubeHttp,
    cluster: string | undefined,
    key: string,
    namespace: string,
    wf: IndexedWorkflow,
    signal: AbortSignal,
  ): Promise<WorkflowRunDetail> {
    // From the API server's watch cache (resourceVersion 0), not a quorum read from etcd: a third of the cost, which
    // a cold fleet view pays for ten runs of each deployment. It is as fresh as the index that named the run; a
    // finished run no longer changes, and a running one is read again within 10 s.
    const reading = http.get<K8sWorkflow>(
      `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(
        namespace,
      )}/workflows/${encodeURIComponent(wf.name)}?resourceVersion=0`,
      { signal },
    );
    // A run the index calls Running has a step running: its pods are asked for at the same time, not after.
    const pods =
      wf.phase === 'Running'
        ? this.podNodeIds(http, namespace, wf.name, signal)
        : undefined;
    pods?.catch(() => undefined);
    const full = await reading;
    let run = toRun(full, wf);
    if (run.phase === 'Running' || run.phase === 'Pending') {
      const stale = await this.staleReason(http, full, signal, pods);
      if (stale) run = { ...run, stale };
    }
    // Bounded: the newest runs of the namespaces in use.
    if (this.details.size > 2000) this.details.clear();
    if (cluster) this.details.set(key, { run, at: Date.now() });
    return run;
  }

  /**
   * Why a run Argo still calls Running or Pending is not really going, if it is not: a step Argo thinks is running
   * whose pod does not exist any more (the pods carry their node's id), or a run past its `activeDeadlineSeconds` or past the
   * configured limit (`collate.status.staleRunMinutes`).
   */
  private async staleReason(
    http: KubeHttp,
    full: K8sWorkflow,
    signal: AbortSignal,
    /** The run's pods, if already asked for. */
    pods?: Promise<Set<string | undefined>>,
  ): Promise<string | undefined> {
    const started = full.status?.startedAt
      ? Date.parse(full.status.startedAt)
      : undefined;
    // Running steps only: a Pending step's pod may not be created yet.
    const running = Object.values(full.status?.nodes ?? {}).filter(
      n => n.type === 'Pod' && n.phase === 'Running',
    );
    if (running.length > 0) {
      // A pod that finished while Argo has not caught up yet is still there: only a missing one is gone.
      const alive = await (pods ??
        this.podNodeIds(
          http,
          full.metadata.namespace,
          full.metadata.name,
          signal,
        ));
      const gone = running.filter(n => !alive.has(n.id));
      if (gone.length > 0) {
        const steps = gone.map(n => n.displayName ?? n.id).join(', ');
        return `Argo says step ${steps} is ${gone[0].phase}, but its pod is gone`;
      }
    }
    if (started === undefined) return undefined;
    const elapsed = Date.now() - started;
    const deadline = full.spec?.activeDeadlineSeconds;
    if (deadline !== undefined && elapsed > deadline * 1000 + 60_000) {
      return `Still ${full.status?.phase} ${ago(
        elapsed,
      )} after it started, past its active deadline of ${deadline} s`;
    }
    if (elapsed > this.options.staleRunMs) {
      return `Still ${full.status?.phase} ${ago(
        elapsed,
      )} after it started (limit collate.status.staleRunMinutes ${Math.round(
        this.options.staleRunMs / 60_000,
      )} min)`;
    }
    return undefined;
  }

  /** The Argo node ids of a run's pods (the pods it still has). */
  private async podNodeIds(
    http: KubeHttp,
    namespace: string,
    workflow: string,
    signal: AbortSignal,
  ): Promise<Set<string | undefined>> {
    const query = new URLSearchParams({
      labelSelector: `${WORKFLOW_LABEL}=${workflow}`,
      limit: String(this.options.pageSize),
    });
    const pods = await http.get<
      List<{ metadata: { annotations?: Record<string, string> } }>
    >(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?${query}`, {
      signal,
    });
    return new Set(pods.items.map(p => p.metadata.annotations?.[POD_NODE_ID]));
  }
}

/** The runs of `newest` whose details a read asks for ({@link DetailedRuns}). */
export function runsToDetail(
  newest: IndexedWorkflow[],
  runs: DetailedRuns,
): IndexedWorkflow[] {
  if (runs === 'none') return [];
  if (runs === 'unfinished')
    return newest.filter(wf => !FINISHED.has(wf.phase));
  return newest;
}
