import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type {
  CollateDeploymentStatus,
  WorkflowPhase,
  WorkflowRun,
  WorkflowSchedule,
} from '@collate-backstage/plugin-collate-common';
import {
  COLLATE_PULL_SECRET_MARKS,
  readGauges,
} from '@collate-backstage/plugin-collate-common';
import type { KubernetesClusters } from '@collate-backstage/plugin-collate-node';
import { nextRun } from './schedule';
import { KubeHttp } from './kubeHttp';
import {
  WorkflowIndex,
  type IndexedWorkflow,
  type WorkflowIndexSummary,
} from './workflowIndex';

/** A Deployment with the labels and container env the status needs to tell deployments apart. */
export interface DeploymentInfo extends CollateDeploymentStatus {
  labels: Record<string, string>;
  env: Record<string, string>;
}

interface K8sDeployment {
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
  };
  spec?: {
    replicas?: number;
    template?: {
      spec?: {
        containers?: Array<{
          image?: string;
          env?: Array<{ name: string; value?: string }>;
        }>;
      };
    };
  };
  status?: { readyReplicas?: number };
}

interface K8sWorkflow {
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
  };
  spec?: { activeDeadlineSeconds?: number };
  status?: {
    phase?: string;
    progress?: string;
    startedAt?: string;
    finishedAt?: string;
    message?: string;
    nodes?: Record<
      string,
      { id: string; type?: string; phase?: string; displayName?: string }
    >;
  };
}

const POD_NODE_ID = 'workflows.argoproj.io/node-id';
/** Lists of objects' metadata only: for Secrets, their data is never read. */
const METADATA_ONLY =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const {
  managedByLabel: PULL_SECRET_MANAGED_BY,
  managedBy: PULL_SECRET_OWNER,
  registryLabel: PULL_SECRET_REGISTRY,
  expiresAtAnnotation: PULL_SECRET_EXPIRES_AT,
} = COLLATE_PULL_SECRET_MARKS;
const WORKFLOW_LABEL = 'workflows.argoproj.io/workflow';

interface K8sCronWorkflow {
  metadata: { name: string };
  spec: {
    schedule?: string;
    schedules?: string[];
    timezone?: string;
    suspend?: boolean;
  };
  status?: { lastScheduledTime?: string };
}

interface List<T> {
  metadata: { continue?: string };
  items: T[];
}

/** What one pod's metrics endpoint said: the requested gauges (unlabelled samples) or why it did not answer. */
export interface PodMetrics {
  pod: string;
  values?: Record<string, number>;
  error?: string;
}

/** A workflow run before the Argo UI links are added (they depend on the Argo server, not on Kubernetes). */
export type WorkflowRunDetail = Omit<WorkflowRun, 'url' | 'logsUrl'>;

export interface WorkflowOverview extends WorkflowIndexSummary {
  runs: WorkflowRunDetail[];
  /** Set while the watch is failing: the counts are the last ones seen. */
  staleReason?: string;
}

export interface KubernetesSourceOptions {
  /** How many of the newest runs to show. */
  recentRuns: number;
  /** Stop following a namespace's workflows after this long without a page view. */
  idleMs: number;
  /** Page size of list requests (deployments, cron workflows). */
  pageSize: number;
  /** Page size of the workflow index's Table list. */
  workflowPageSize: number;
  /** Cap on CronWorkflows listed per namespace. */
  maxSchedules: number;
  /** A run still going after this long is flagged stale. */
  staleRunMs: number;
}

const CRON_LABEL = 'workflows.argoproj.io/cron-workflow';
const FINISHED = new Set(['Succeeded', 'Failed', 'Error']);

/**
 * Reads the cluster state the status cards show, through the Kubernetes API with the service-account credentials of
 * `kubernetes.clusterLocatorMethods`. Lists are bounded by label selectors and `limit`; workflows come from a
 * {@link WorkflowIndex} per namespace (Table rows only), and the details of the few newest runs are fetched once
 * when they have finished, at most every 10 s while they run.
 */
export class KubernetesSource {
  private readonly clients = new Map<string, Promise<KubeHttp>>();
  private readonly indexes = new Map<
    string,
    { index: WorkflowIndex; lastUsed: number }
  >();
  private readonly details = new Map<
    string,
    { run: WorkflowRunDetail; at: number }
  >();
  private readonly reaper: NodeJS.Timeout;

  constructor(
    private readonly clusters: KubernetesClusters,
    private readonly logger: LoggerService,
    private readonly options: KubernetesSourceOptions,
  ) {
    this.reaper = setInterval(
      () => this.reapIdle(),
      Math.min(options.idleMs, 60_000),
    );
    this.reaper.unref();
  }

  /** Deployments in a namespace matching a label selector (at most one page). */
  async deployments(
    cluster: string,
    namespace: string,
    labelSelector: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth = {},
  ): Promise<DeploymentInfo[]> {
    return this.withClient(cluster, auth, async http => {
      const query = new URLSearchParams({
        labelSelector,
        limit: String(this.options.pageSize),
      });
      const list = await http.get<List<K8sDeployment>>(
        `/apis/apps/v1/namespaces/${encodeURIComponent(
          namespace,
        )}/deployments?${query}`,
        { signal },
      );
      return list.items.map(toDeploymentInfo);
    });
  }

  /**
   * Reads Prometheus gauges from the running pods matching a label selector, through the API server's pod proxy
   * (`pods/{name}:{port}/proxy/metrics`, the `get pods/proxy` permission): no network path besides the API server.
   * Each pod answers on its own; one that does not is reported with its error.
   */
  async podMetrics(
    cluster: string,
    namespace: string,
    labelSelector: string,
    port: number,
    names: string[],
    signal: AbortSignal,
    auth: KubernetesRequestAuth = {},
  ): Promise<PodMetrics[]> {
    return this.withClient(cluster, auth, async http => {
      const ns = encodeURIComponent(namespace);
      const query = new URLSearchParams({
        labelSelector,
        fieldSelector: 'status.phase=Running',
        limit: String(this.options.pageSize),
      });
      const pods = await http.get<List<{ metadata: { name: string } }>>(
        `/api/v1/namespaces/${ns}/pods?${query}`,
        { signal },
      );
      return Promise.all(
        pods.items.map(async ({ metadata: { name } }): Promise<PodMetrics> => {
          try {
            const text = await http.text(
              `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(
                name,
              )}:${port}/proxy/metrics`,
              { accept: 'text/plain', signal, maxBytes: 1024 * 1024 },
            );
            return { pod: name, values: readGauges(text, names) };
          } catch (error) {
            return { pod: name, error: (error as Error).message };
          }
        }),
      );
    });
  }

  /**
   * Helm's state of a release's latest revision, from the labels of its release Secrets (`owner=helm,name=<release>`:
   * `status`, `version`), read as metadata only (PartialObjectMetadataList): the release's values never leave the
   * cluster. Undefined when the release has no Secret here (another storage driver, or no release).
   */
  async helmRelease(
    cluster: string,
    namespace: string,
    release: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth = {},
  ): Promise<{ revision: number; status: string } | undefined> {
    const items = await this.secretMetadata(
      cluster,
      namespace,
      `owner=helm,name=${release}`,
      signal,
      auth,
    );
    const latest = items
      .map(i => ({
        revision: Number(i.labels?.version),
        status: i.labels?.status ?? 'unknown',
      }))
      .filter(r => Number.isFinite(r.revision))
      .sort((x, y) => y.revision - x.revision)[0];
    return latest;
  }

  /** Registry pull secrets this plugin set keeps fresh in a namespace, with when their token expires. */
  async pullSecrets(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth = {},
  ): Promise<Array<{ name: string; expiresAt?: string }>> {
    const items = await this.secretMetadata(
      cluster,
      namespace,
      // Only the registry pull secrets: the plugin set marks other secrets (credentials) as its own too.
      `${PULL_SECRET_MANAGED_BY}=${PULL_SECRET_OWNER},${PULL_SECRET_REGISTRY}`,
      signal,
      auth,
    );
    return items.map(i => ({
      name: i.name,
      ...(i.annotations?.[PULL_SECRET_EXPIRES_AT]
        ? { expiresAt: i.annotations[PULL_SECRET_EXPIRES_AT] }
        : {}),
    }));
  }

  private secretMetadata(
    cluster: string,
    namespace: string,
    labelSelector: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ) {
    return this.withClient(cluster, auth, async http => {
      const query = new URLSearchParams({
        labelSelector,
        limit: String(this.options.pageSize),
      });
      const list = await http.get<
        List<{
          metadata: {
            name: string;
            labels?: Record<string, string>;
            annotations?: Record<string, string>;
          };
        }>
      >(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets?${query}`,
        {
          signal,
          accept: METADATA_ONLY,
        },
      );
      return list.items.map(i => i.metadata);
    });
  }

  /** Counts, 24 h counts and the newest runs of the workflows in a namespace. */
  async workflows(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth = {},
  ): Promise<WorkflowOverview> {
    return this.withClient(cluster, auth, async (http, shared) => {
      // A user's own token reads once and shares nothing: no watch is kept with it.
      const index = shared
        ? await this.index(cluster, namespace)
        : new WorkflowIndex(http, namespace, this.logger, {
            pageSize: this.options.workflowPageSize,
            newest: this.options.recentRuns,
            follow: false,
          });
      try {
        await abortable(index.ready(), signal);
        const summary = index.summary();
        const runs = await Promise.all(
          summary.newest.map(wf =>
            this.detail(
              http,
              shared ? cluster : undefined,
              namespace,
              wf,
              signal,
            ),
          ),
        );
        // The Age column is coarse: order the shown runs by their exact start.
        runs.sort((x, y) =>
          (y.startedAt ?? '').localeCompare(x.startedAt ?? ''),
        );
        return {
          ...summary,
          runs,
          ...(index.error ? { staleReason: index.error } : {}),
        };
      } finally {
        if (!shared) index.stop();
      }
    });
  }

  /** The CronWorkflows of a namespace with their next run. */
  async schedules(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth = {},
    now = new Date(),
  ): Promise<{ schedules: WorkflowSchedule[]; truncated: boolean }> {
    return this.withClient(cluster, auth, async http => {
      const schedules: WorkflowSchedule[] = [];
      let token: string | undefined;
      do {
        const query = new URLSearchParams({
          limit: String(this.options.pageSize),
        });
        if (token) query.set('continue', token);
        const list = await http.get<List<K8sCronWorkflow>>(
          `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(
            namespace,
          )}/cronworkflows?${query}`,
          { signal },
        );
        for (const cron of list.items) schedules.push(toSchedule(cron, now));
        token = list.metadata.continue || undefined;
      } while (token && schedules.length < this.options.maxSchedules);
      return {
        schedules: schedules.slice(0, this.options.maxSchedules),
        truncated:
          Boolean(token) || schedules.length > this.options.maxSchedules,
      };
    });
  }

  close() {
    clearInterval(this.reaper);
    for (const { index } of this.indexes.values()) index.stop();
    this.indexes.clear();
    for (const client of this.clients.values()) {
      client.then(c => c.close()).catch(() => {});
    }
    this.clients.clear();
  }

  /**
   * Runs `fn` with the cluster's client: the backend's shared one for server-side auth providers, or, for clusters
   * whose credential is the signed-in user's token, a client made for this request and closed after it.
   */
  private async withClient<T>(
    cluster: string,
    auth: KubernetesRequestAuth,
    fn: (http: KubeHttp, shared: boolean) => Promise<T>,
  ): Promise<T> {
    if (!(await this.clusters.isClientSide(cluster))) {
      return fn(await this.client(cluster), true);
    }
    const http = await KubeHttp.create(
      await this.clusters.userKubeConfig(cluster, auth),
    );
    try {
      return await fn(http, false);
    } finally {
      http.close();
    }
  }

  private client(cluster: string): Promise<KubeHttp> {
    let client = this.clients.get(cluster);
    if (!client) {
      client = this.clusters
        .serverKubeConfig(cluster)
        .then(kc => KubeHttp.create(kc));
      client.catch(() => this.clients.delete(cluster));
      this.clients.set(cluster, client);
    }
    return client;
  }

  private async index(
    cluster: string,
    namespace: string,
  ): Promise<WorkflowIndex> {
    const key = `${cluster}/${namespace}`;
    let entry = this.indexes.get(key);
    if (!entry) {
      const http = await this.client(cluster);
      entry = this.indexes.get(key) ?? {
        index: new WorkflowIndex(http, namespace, this.logger, {
          pageSize: this.options.workflowPageSize,
          newest: this.options.recentRuns,
        }),
        lastUsed: Date.now(),
      };
      this.indexes.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.index;
  }

  /** Stops following a namespace's workflows (its watch), if it is followed. */
  stopFollowing(cluster: string, namespace: string) {
    const key = `${cluster}/${namespace}`;
    this.indexes.get(key)?.index.stop();
    this.indexes.delete(key);
  }

  private reapIdle() {
    const now = Date.now();
    for (const [key, entry] of this.indexes) {
      if (now - entry.lastUsed > this.options.idleMs) {
        entry.index.stop();
        this.indexes.delete(key);
        this.logger.debug(`Stopped following workflows in ${key} (idle)`);
      }
    }
  }

  /** A run's status fields: fetched once when it has finished, at most every 10 s while it runs. */
  private async detail(
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
    const full = await http.get<K8sWorkflow>(
      `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(
        namespace,
      )}/workflows/${encodeURIComponent(wf.name)}`,
      { signal },
    );
    let run = toRun(full, wf);
    if (run.phase === 'Running' || run.phase === 'Pending') {
      const stale = await this.staleReason(http, full, signal);
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
  ): Promise<string | undefined> {
    const started = full.status?.startedAt
      ? Date.parse(full.status.startedAt)
      : undefined;
    // Running steps only: a Pending step's pod may not be created yet.
    const running = Object.values(full.status?.nodes ?? {}).filter(
      n => n.type === 'Pod' && n.phase === 'Running',
    );
    if (running.length > 0) {
      const query = new URLSearchParams({
        labelSelector: `${WORKFLOW_LABEL}=${full.metadata.name}`,
        limit: String(this.options.pageSize),
      });
      const pods = await http.get<
        List<{ metadata: { annotations?: Record<string, string> } }>
      >(
        `/api/v1/namespaces/${encodeURIComponent(
          full.metadata.namespace,
        )}/pods?${query}`,
        { signal },
      );
      // A pod that finished while Argo has not caught up yet is still there: only a missing one is gone.
      const alive = new Set(
        pods.items.map(p => p.metadata.annotations?.[POD_NODE_ID]),
      );
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
}

function ago(ms: number) {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}

function toDeploymentInfo(d: K8sDeployment): DeploymentInfo {
  const container = d.spec?.template?.spec?.containers?.[0];
  return {
    name: d.metadata.name,
    namespace: d.metadata.namespace,
    ready: d.status?.readyReplicas ?? 0,
    desired: d.spec?.replicas ?? 1,
    ...(container?.image ? { image: container.image } : {}),
    labels: d.metadata.labels ?? {},
    env: Object.fromEntries(
      (container?.env ?? [])
        .filter(e => e.value !== undefined)
        .map(e => [e.name, e.value as string]),
    ),
  };
}

const KNOWN_PHASES = new Set([
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Error',
]);

function toRun(full: K8sWorkflow, wf: IndexedWorkflow): WorkflowRunDetail {
  const s = full.status ?? {};
  const phase =
    s.phase && KNOWN_PHASES.has(s.phase)
      ? (s.phase as WorkflowPhase)
      : wf.phase;
  const started = s.startedAt ? Date.parse(s.startedAt) : undefined;
  const finished = s.finishedAt ? Date.parse(s.finishedAt) : undefined;
  return {
    name: full.metadata.name,
    namespace: full.metadata.namespace,
    phase,
    ...(s.progress ? { progress: s.progress } : {}),
    ...(s.startedAt ? { startedAt: s.startedAt } : {}),
    ...(s.finishedAt ? { finishedAt: s.finishedAt } : {}),
    ...(started && finished
      ? { durationSeconds: Math.round((finished - started) / 1000) }
      : {}),
    ...(full.metadata.labels?.[CRON_LABEL]
      ? { cronWorkflow: full.metadata.labels[CRON_LABEL] }
      : {}),
    ...(s.message ? { message: s.message } : {}),
  };
}

function toSchedule(cron: K8sCronWorkflow, now: Date): WorkflowSchedule {
  const schedules = cron.spec.schedules?.length
    ? cron.spec.schedules
    : [cron.spec.schedule ?? ''];
  const suspended = cron.spec.suspend === true;
  const next = suspended
    ? undefined
    : schedules
        .map(s => nextRun(s, cron.spec.timezone, now))
        .filter((d): d is Date => Boolean(d))
        .sort((a, b) => a.getTime() - b.getTime())[0];
  return {
    name: cron.metadata.name,
    schedule: schedules.join(', '),
    ...(cron.spec.timezone ? { timezone: cron.spec.timezone } : {}),
    suspended,
    ...(next ? { nextRun: next.toISOString() } : {}),
    ...(cron.status?.lastScheduledTime
      ? { lastScheduled: cron.status.lastScheduledTime }
      : {}),
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      v => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      e => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
