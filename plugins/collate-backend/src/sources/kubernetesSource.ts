import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type { WorkflowSchedule } from '@collate-backstage/plugin-collate-common';
import {
  COLLATE_PULL_SECRET_MARKS,
  readGauges,
} from '@collate-backstage/plugin-collate-common';
import type { KubernetesClusters } from '@collate-backstage/plugin-collate-node';
import { KubeHttp, KubeRequestError } from './kubeHttp';
import {
  toDeploymentInfo,
  toSchedule,
  type DeploymentInfo,
  type DetailedRuns,
  type K8sCronWorkflow,
  type K8sDeployment,
  type List,
  type PodMetrics,
  type WorkflowOverview,
} from './kubernetesObjects';
import { abortable } from './abortable';
import { RunDetails, runsToDetail } from './runDetails';
import { FollowedIndexes, type FollowLimits } from './followedIndexes';
import { WorkflowIndex } from './workflowIndex';

/** Lists of objects' metadata only: for Secrets, their data is never read. */
const METADATA_ONLY =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const {
  managedByLabel: PULL_SECRET_MANAGED_BY,
  managedBy: PULL_SECRET_OWNER,
  registryLabel: PULL_SECRET_REGISTRY,
  expiresAtAnnotation: PULL_SECRET_EXPIRES_AT,
} = COLLATE_PULL_SECRET_MARKS;

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
  /** How many namespaces are followed (watched), per cluster and in all. */
  followLimits: FollowLimits;
}

/**
 * Reads the cluster state the status cards show, through the Kubernetes API with the service-account credentials of
 * `kubernetes.clusterLocatorMethods`. Lists are bounded by label selectors and `limit`; workflows come from a
 * {@link WorkflowIndex} per namespace (Table rows only), and the details of the few newest runs are fetched once
 * when they have finished, at most every 10 s while they run.
 */
export class KubernetesSource {
  private readonly clients = new Map<string, Promise<KubeHttp>>();
  private readonly runDetails: RunDetails;
  private readonly followed: FollowedIndexes;

  constructor(
    private readonly clusters: KubernetesClusters,
    private readonly logger: LoggerService,
    private readonly options: KubernetesSourceOptions,
  ) {
    this.runDetails = new RunDetails(options);
    this.followed = new FollowedIndexes(
      cluster => this.client(cluster),
      logger,
      { ...options, limits: options.followLimits },
    );
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

  /** Counts, 24 h counts and the newest runs of the workflows in a namespace, with the details `runs` asks for. */
  async workflows(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth = {},
    runs: DetailedRuns = 'newest',
  ): Promise<WorkflowOverview> {
    return this.withClient(cluster, auth, async (http, shared) => {
      // A user's own token reads once and shares nothing: no watch is kept with it; nor past the follow limits.
      const followed = shared
        ? await this.followed.get(cluster, namespace)
        : undefined;
      const once = !(followed instanceof WorkflowIndex);
      const index = once
        ? new WorkflowIndex(http, namespace, this.logger, {
            pageSize: this.options.workflowPageSize,
            newest: this.options.recentRuns,
            follow: false,
          })
        : followed;
      try {
        await abortable(index.ready(), signal);
        const summary = index.summary();
        const detailed = await Promise.all(
          runsToDetail(summary.newest, runs).map(wf =>
            this.runDetails.get(
              http,
              shared ? cluster : undefined,
              namespace,
              wf,
              signal,
            ),
          ),
        );
        // The Age column is coarse: order the shown runs by their exact start.
        detailed.sort((x, y) =>
          (y.startedAt ?? '').localeCompare(x.startedAt ?? ''),
        );
        return {
          ...summary,
          runs: detailed,
          detail: runs,
          ...(index.error ? { staleReason: index.error } : {}),
          ...(followed && 'notFollowed' in followed
            ? { notFollowed: followed.notFollowed }
            : {}),
        };
      } finally {
        if (once) index.stop();
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

  /**
   * A namespace's labels, read with the backend's own credentials (`get` on `namespaces`); undefined when there is no
   * such namespace.
   */
  async namespaceLabels(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
  ): Promise<Record<string, string> | undefined> {
    return this.withClient(cluster, {}, async http => {
      try {
        const object = await http.get<{
          metadata?: { labels?: Record<string, string> };
        }>(`/api/v1/namespaces/${encodeURIComponent(namespace)}`, { signal });
        return object.metadata?.labels ?? {};
      } catch (e) {
        if (e instanceof KubeRequestError && e.status === 404) return undefined;
        throw e;
      }
    });
  }

  /** Stops following a namespace's workflows (its watch), if it is followed. */
  stopFollowing(cluster: string, namespace: string) {
    this.followed.stop(cluster, namespace);
  }

  /** Namespaces followed and connections open, per cluster (for the benchmark and the health of a fleet). */
  async connections(): Promise<
    Record<string, { followed: number; requests: number; watches: number }>
  > {
    const followed = this.followed.counts();
    const out: Record<
      string,
      { followed: number; requests: number; watches: number }
    > = {};
    for (const [cluster, client] of this.clients) {
      const http = await client.catch(() => undefined);
      if (http)
        out[cluster] = { followed: followed[cluster] ?? 0, ...http.sockets() };
    }
    return out;
  }

  close() {
    this.followed.close();
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
      client = this.clusters.serverKubeConfig(cluster).then(kc =>
        KubeHttp.create(kc, {
          watchSockets: this.options.followLimits.perCluster,
        }),
      );
      client.catch(() => this.clients.delete(cluster));
      this.clients.set(cluster, client);
    }
    return client;
  }
}
