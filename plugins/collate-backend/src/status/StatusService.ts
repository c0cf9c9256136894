import { createHash } from 'node:crypto';
import {
  pipelineHealth,
  pullSecretHealth,
} from '@collate-backstage/plugin-collate-common';
import { Findings, judgeDeployment } from './findings';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type {
  CollateArgoStatus,
  CollateBackingServiceStatus,
  CollateComponentKind,
  CollateComponentStatus,
  CollateDeploymentStatus,
  CollateIngestionStatus,
  CollatePipeline,
  CollateReindexRun,
  CollatePipelineOperation,
  CollatePipelineOperationResult,
  CollatePullSecretInfo,
  CollateReleaseInfo,
  CollateReindexStarted,
  CollateRunnerStatus,
  CollateServerStatus,
  WorkflowPhase,
  WorkflowRun,
  WorkflowSchedule,
} from '@collate-backstage/plugin-collate-common';
import {
  type AnnotatedEntity,
  COLLATE_ANNOTATIONS,
  COLLATE_GUIDE_CHART_PINS,
  HYBRID_RUNNER_METRICS,
  openMetadataVersionOfImageTag,
  parseHelmChartLabel,
  readIngestionLocations,
  isAppRunActive,
  isHelmReleaseStuck,
  readCollateAnnotations,
} from '@collate-backstage/plugin-collate-common';
import {
  normalizeUrl,
  type ArgoServerConfig,
  type CollateServerConfig,
  type StatusConfig,
} from '../config';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { SystemStatus, ListedRunner } from '../sources/collateApi';
import type {
  DeploymentInfo,
  PodMetrics,
  WorkflowOverview,
} from '../sources/kubernetesSource';
import { argoLinks } from '../sources/argoServer';
import { SourceCache, settle } from './sourceCache';
import type { SharedWorkflows } from './sharedWorkflows';

type Annotations = ReturnType<typeof readCollateAnnotations>;

/** The user's own cluster tokens, and the cache-key suffix that keeps what they read apart from other users'. */
interface UserAuth {
  auth: KubernetesRequestAuth;
  key: string;
}

function userAuth(auth: KubernetesRequestAuth): UserAuth {
  if (Object.keys(auth).length === 0) return { auth, key: '' };
  const digest = createHash('sha256')
    .update(JSON.stringify(auth))
    .digest('hex')
    .slice(0, 24);
  return { auth, key: `:user:${digest}` };
}

/** Everything the status is read from; the real implementation is {@link createStatusSources}. */
export interface StatusSources {
  deployments(
    cluster: string,
    namespace: string,
    labelSelector: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<DeploymentInfo[]>;
  workflows(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<WorkflowOverview>;
  /** Stops following a namespace's workflows (another replica follows them, or nobody looks). */
  stopFollowing?(cluster: string, namespace: string): void;
  /** Helm's state of a release's latest revision (its release Secrets' labels); undefined without one. */
  helmRelease(
    cluster: string,
    namespace: string,
    release: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<{ revision: number; status: string } | undefined>;
  /** The pull secrets the plugin set keeps fresh in a namespace. */
  pullSecrets(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<Array<{ name: string; expiresAt?: string }>>;
  schedules(
    cluster: string,
    namespace: string,
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<{ schedules: WorkflowSchedule[]; truncated: boolean }>;
  argoVersion(server: ArgoServerConfig, signal: AbortSignal): Promise<string>;
  systemStatus(
    server: CollateServerConfig,
    signal: AbortSignal,
  ): Promise<SystemStatus>;
  collateVersion(
    server: CollateServerConfig,
    signal: AbortSignal,
  ): Promise<string>;
  /** The runner Collate lists under an agent id; undefined when it does not list it. */
  listedRunner(
    server: CollateServerConfig,
    agentId: string,
    signal: AbortSignal,
  ): Promise<ListedRunner | undefined>;
  /** Gauges read from the running pods of a label selector (their metrics port, through the pod proxy). */
  podMetrics(
    cluster: string,
    namespace: string,
    labelSelector: string,
    port: number,
    names: string[],
    signal: AbortSignal,
    auth: KubernetesRequestAuth,
  ): Promise<PodMetrics[]>;
  pipelines(
    server: CollateServerConfig,
    max: number,
    signal: AbortSignal,
  ): Promise<{ pipelines: CollatePipeline[]; truncated: boolean }>;
  lastReindex(
    server: CollateServerConfig,
    signal: AbortSignal,
  ): Promise<CollateReindexRun | undefined>;
  startReindex(
    server: CollateServerConfig,
    config: { recreateIndex: boolean },
    signal: AbortSignal,
  ): Promise<boolean>;
  pipelineOperation(
    server: CollateServerConfig,
    pipelineId: string,
    operation: CollatePipelineOperation,
    signal: AbortSignal,
  ): Promise<{ reason?: string }>;
}

const {
  podSelector: RUNNER_SELECTOR,
  port: RUNNER_METRICS_PORT,
  connectedGauge: RUNNER_CONNECTED_METRIC,
} = HYBRID_RUNNER_METRICS;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const plain = (d: DeploymentInfo | undefined) =>
  d && {
    name: d.name,
    namespace: d.namespace,
    ready: d.ready,
    desired: d.desired,
    ...(d.image ? { image: d.image } : {}),
  };

/**
 * Builds the status of each component of an entity from its `collate.io/*` annotations. Every source call has its
 * own timeout and cache entry, so one slow or failing source only affects the components that need it.
 */
export class StatusService {
  private readonly argoServers: Map<string, ArgoServerConfig>;
  private readonly collateServers: Map<string, CollateServerConfig>;

  constructor(
    private readonly config: StatusConfig,
    private readonly sources: StatusSources,
    private readonly cache: SourceCache,
    /** Workflows followed by one replica at a time and shared through the cache (several replicas). */
    private readonly shared?: SharedWorkflows,
  ) {
    this.argoServers = new Map(config.argoServers.map(s => [s.url, s]));
    this.collateServers = new Map(config.collateServers.map(s => [s.url, s]));
  }

  /** `collate.status.notice`: said in place of configuration and connection errors. */
  get notice(): string | undefined {
    return this.config.notice;
  }

  /**
   * The status of the given components. `auth` carries the signed-in user's own tokens for clusters whose auth
   * provider is client-side (`oidc`, `aks`, `google`), in the Kubernetes plugin's request-body format; what is read
   * with them is cached for that user only.
   */
  async status(
    entity: { metadata: { annotations?: Record<string, string> } },
    components: CollateComponentKind[],
    auth: KubernetesRequestAuth = {},
  ): Promise<CollateComponentStatus[]> {
    const a = readCollateAnnotations(entity);
    const u = userAuth(auth);
    return Promise.all(components.map(c => this.component(c, a, u, entity)));
  }

  private component(
    kind: CollateComponentKind,
    a: Annotations,
    u: UserAuth,
    entity: AnnotatedEntity,
  ): Promise<CollateComponentStatus> {
    switch (kind) {
      case 'server':
        return this.server(a, u);
      case 'argo':
        return this.argo(a, u);
      case 'database':
      case 'search':
        return this.backing(kind, a);
      case 'runner':
        return this.runner(a, u);
      case 'ingestion':
      default:
        return this.ingestion(a, u, entity);
    }
  }

  private async server(
    a: Annotations,
    u: UserAuth,
  ): Promise<CollateServerStatus> {
    const f = new Findings();
    const collate = this.collateServer(a, f);
    const [deployments, status, version] = await Promise.all([
      a.cluster && a.namespace && a.serverRelease
        ? this.deployments(
            u,
            a.cluster,
            a.namespace,
            `app.kubernetes.io/instance=${a.serverRelease}`,
          )
        : undefined,
      collate && this.systemStatus(collate),
      collate && this.collateVersion(collate),
    ]);
    let deployment: CollateDeploymentStatus | undefined;
    let found: DeploymentInfo | undefined;
    if (deployments) {
      const list = f.take('kubernetes', deployments);
      if (list) {
        const d =
          list.find(x => x.name === a.serverRelease) ??
          list.find(x => x.labels['app.kubernetes.io/name'] === 'openmetadata');
        found = d;
        deployment = plain(d);
        judgeDeployment(
          f,
          'Collate server',
          deployment,
          `No Deployment of Helm release ${a.serverRelease} in namespace ${a.namespace}`,
        );
      }
    }
    const system = status && f.take('collate', status);
    const checks = system
      ? Object.entries(system)
          .filter(([, step]) => step && typeof step.passed === 'boolean')
          .map(([name, step]) => ({
            name,
            passed: step!.passed,
            message: step!.message,
          }))
      : undefined;
    for (const check of checks ?? []) {
      if (!check.passed) f.judge('degraded', `${check.name}: ${check.message}`);
    }
    const v = version && f.take('collate', version);
    const inCluster = a.cluster && a.namespace && a.serverRelease;
    const [release, pullSecrets] = inCluster
      ? await Promise.all([
          this.release(
            u,
            f,
            a.cluster!,
            a.namespace!,
            a.serverRelease!,
            found,
            a.serverChartVersion,
          ),
          this.pullSecrets(u, f, a.cluster!, a.namespace!),
        ])
      : [undefined, undefined];
    // The image names the OpenMetadata version; the server says which one runs: they differ mid-upgrade or after a
    // half-done one.
    const imageVersion = openMetadataVersionOfImageTag(
      deployment?.image?.split(':').pop(),
    );
    if (v && imageVersion && !v.startsWith(imageVersion)) {
      f.judge(
        'degraded',
        `Collate reports version ${v}, but the server's image is ${imageVersion}: an upgrade not finished?`,
      );
    }
    return {
      component: 'server',
      ...f.result(this.config.notice),
      ...(a.serverUrl ? { url: a.serverUrl } : {}),
      ...(v ? { version: v } : {}),
      ...(deployment ? { deployment } : {}),
      ...(release ? { release } : {}),
      ...(imageVersion ? { imageVersion } : {}),
      ...(pullSecrets?.length ? { pullSecrets } : {}),
      ...(checks ? { checks } : {}),
    };
  }

  private async argo(a: Annotations, u: UserAuth): Promise<CollateArgoStatus> {
    const f = new Findings();
    const server = this.argoServer(a, f);
    const release = a.argoRelease ?? 'argo-workflows';
    const [deployments, version, workflows] = await Promise.all([
      a.cluster && a.argoNamespace
        ? this.deployments(
            u,
            a.cluster,
            a.argoNamespace,
            `app.kubernetes.io/instance=${release}`,
          )
        : undefined,
      server && this.argoVersion(server),
      a.cluster && a.namespace
        ? this.workflows(u, a.cluster, a.namespace)
        : undefined,
    ]);
    if (!a.cluster || !a.argoNamespace) {
      f.judge(
        'unknown',
        `Add ${COLLATE_ANNOTATIONS.cluster} and ${COLLATE_ANNOTATIONS.argoNamespace} to see Argo's Deployments`,
      );
    }
    let serverDeployment: CollateDeploymentStatus | undefined;
    let controller: CollateDeploymentStatus | undefined;
    let found: DeploymentInfo | undefined;
    const list = deployments && f.take('kubernetes', deployments);
    if (list) {
      const find = (component: string) =>
        list.find(d => d.labels['app.kubernetes.io/component'] === component) ??
        list.find(d => d.name.endsWith(`-${component}`));
      const pick = (component: string) => plain(find(component));
      found = find('server');
      serverDeployment = pick('server');
      controller = pick('workflow-controller');
      const where = `release ${release} in namespace ${a.argoNamespace}`;
      judgeDeployment(
        f,
        'Argo server',
        serverDeployment,
        `No Argo server Deployment of ${where}`,
      );
      judgeDeployment(
        f,
        'Workflow controller',
        controller,
        `No workflow controller Deployment of ${where}`,
      );
    }
    const v = version && f.take('argo', version);
    const wf = workflows && f.take('kubernetes', workflows);
    const releaseInfo =
      a.cluster && a.argoNamespace
        ? await this.release(u, f, a.cluster, a.argoNamespace, release, found)
        : undefined;
    return {
      component: 'argo',
      ...(releaseInfo ? { release: releaseInfo } : {}),
      ...f.result(this.config.notice),
      ...(a.argoNamespace ? { namespace: a.argoNamespace } : {}),
      ...(serverDeployment ? { server: serverDeployment } : {}),
      ...(controller ? { controller } : {}),
      ...(v ? { serverVersion: v } : {}),
      ...(wf ? { workflowsByPhase: wf.byPhase } : {}),
      ...(server ? { uiUrl: server.uiUrl } : {}),
    };
  }

  private async backing(
    kind: 'database' | 'search',
    a: Annotations,
  ): Promise<CollateBackingServiceStatus> {
    const f = new Findings();
    const endpoint =
      kind === 'database' ? a.databaseEndpoint : a.searchEndpoint;
    const collate = this.collateServer(a, f);
    const [system, reindex] = await Promise.all([
      collate && this.systemStatus(collate),
      collate && kind === 'search' ? this.lastReindex(collate) : undefined,
    ]);
    const status = system && f.take('collate', system);
    // The last reindex is extra detail: when Collate cannot list it, the search engine is judged without it.
    const lastReindex = reindex?.ok ? reindex.value : undefined;
    if (
      lastReindex?.status === 'failed' ||
      lastReindex?.status === 'activeError'
    )
      f.judge(
        'degraded',
        `Last reindex failed${
          lastReindex.failure ? `: ${lastReindex.failure}` : ''
        }`,
      );
    const step = status?.[kind === 'database' ? 'database' : 'searchInstance'];
    const parsed = step ? parseValidation(step.message) : {};
    if (status && !step) {
      f.judge('unknown', `Collate's system status has no ${kind} check`);
    } else if (step && !step.passed) {
      f.judge('unhealthy', step.message);
    }
    return {
      component: kind,
      ...f.result(this.config.notice),
      ...parsed,
      ...(endpoint ? { endpoint } : {}),
      ...(step ? { message: step.message } : {}),
      ...(lastReindex ? { reindex: lastReindex } : {}),
    };
  }

  private async runner(
    a: Annotations,
    u: UserAuth,
  ): Promise<CollateRunnerStatus> {
    const f = new Findings();
    const agentId = a.runnerAgentId!;
    const collate = this.collateServer(a, f);
    const [deployments, listed] = await Promise.all([
      a.cluster && a.runnerNamespace
        ? this.deployments(u, a.cluster, a.runnerNamespace, RUNNER_SELECTOR)
        : undefined,
      collate &&
        this.cache.get(
          `collate:${collate.url}:runner:${agentId}`,
          this.config.timeouts.collate,
          s => this.sources.listedRunner(collate, agentId, s),
        ),
    ]);
    let deployment: DeploymentInfo | undefined;
    const list = deployments && f.take('kubernetes', deployments);
    if (list) {
      // The chart sets the agent id only in the runner's environment.
      deployment =
        list.find(d => d.env.AGENT_ID === agentId) ??
        (list.length === 1 ? list[0] : undefined);
      judgeDeployment(
        f,
        'Runner',
        deployment && plain(deployment),
        `No Hybrid Ingestion Runner with agent id ${agentId} in namespace ${a.runnerNamespace}`,
      );
    } else if (!deployments) {
      f.judge(
        'unknown',
        `Add ${COLLATE_ANNOTATIONS.cluster} and ${COLLATE_ANNOTATIONS.runnerNamespace} to see the runner's pods`,
      );
    }
    // Only this runner's pods: its release's instance label.
    const instance = deployment?.labels['app.kubernetes.io/instance'];
    const [release, pullSecrets] =
      a.cluster && a.runnerNamespace && instance
        ? await Promise.all([
            this.release(
              u,
              f,
              a.cluster,
              a.runnerNamespace,
              instance,
              deployment,
            ),
            this.pullSecrets(u, f, a.cluster, a.runnerNamespace),
          ])
        : [undefined, undefined];
    const metrics =
      instance &&
      (await this.cache.get(
        `k8s:${a.cluster}:runner-metrics:${a.runnerNamespace}:${instance}${u.key}`,
        this.config.timeouts.kubernetes,
        s =>
          this.sources.podMetrics(
            a.cluster!,
            a.runnerNamespace!,
            `${RUNNER_SELECTOR},app.kubernetes.io/instance=${instance}`,
            RUNNER_METRICS_PORT,
            [RUNNER_CONNECTED_METRIC],
            s,
            u.auth,
          ),
      ));
    // The runner's own word on its connection: its gauge, per pod.
    let connection: CollateRunnerStatus['connection'] = 'unknown';
    let connectedPods: string | undefined;
    const readings = metrics && f.take('kubernetes', metrics);
    if (readings) {
      const answered = readings.filter(
        r => r.values?.[RUNNER_CONNECTED_METRIC] !== undefined,
      );
      const connected = answered.filter(
        r => r.values![RUNNER_CONNECTED_METRIC] === 1,
      );
      if (answered.length > 0) {
        connectedPods = `${connected.length}/${answered.length}`;
        connection = connected.length > 0 ? 'connected' : 'disconnected';
        if (connected.length === 0)
          f.judge(
            'unhealthy',
            `Runner ${agentId} reports it is not connected to Collate (${RUNNER_CONNECTED_METRIC} 0)`,
          );
      } else if (readings.length > 0) {
        const why = readings.find(r => r.error)?.error;
        f.judge(
          'unknown',
          `The runner's metrics did not answer${why ? `: ${why}` : ''}`,
        );
      }
    }
    let registration: CollateRunnerStatus['registration'];
    const listedView = listed && f.take('collate', listed);
    if (listed?.ok) {
      registration = listedView
        ? {
            listed: true,
            ...(listedView.isDefault !== undefined
              ? { isDefault: listedView.isDefault }
              : {}),
          }
        : { listed: false };
      if (!listedView)
        f.judge('unhealthy', `Collate does not list runner ${agentId}`);
    }
    return {
      component: 'runner',
      ...f.result(this.config.notice),
      agentId,
      ...(a.runnerNamespace ? { namespace: a.runnerNamespace } : {}),
      ...(deployment ? { deployment: plain(deployment) } : {}),
      ...(release ? { release } : {}),
      ...(pullSecrets?.length ? { pullSecrets } : {}),
      connection,
      ...(connectedPods ? { connectedPods } : {}),
      ...(registration ? { registration } : {}),
    };
  }

  private async ingestion(
    a: Annotations,
    u: UserAuth,
    entity: AnnotatedEntity,
  ): Promise<CollateIngestionStatus> {
    const f = new Findings();
    const collate = a.serverUrl ? this.collateServer(a, f) : undefined;
    // Every place the entity's workflows run, each with its own Argo server (links) and its own failures.
    const { locations, invalid } = readIngestionLocations(entity);
    for (const entry of invalid)
      f.judge(
        'unknown',
        `${COLLATE_ANNOTATIONS.ingestionLocations}: '${entry}' is not cluster/namespace[=argo-server-url]`,
      );
    const inCluster = locations.length > 0;
    const [perLocation, pipelines] = await Promise.all([
      Promise.all(
        locations.map(async l => ({
          location: l,
          workflows: await this.workflows(u, l.cluster, l.namespace),
          schedules: await this.cache.get(
            `k8s:${l.cluster}:cron:${l.namespace}${u.key}`,
            this.config.timeouts.kubernetes,
            s => this.sources.schedules(l.cluster, l.namespace, s, u.auth),
          ),
        })),
      ),
      collate &&
        this.cache.get(
          `collate:${collate.url}:pipelines`,
          this.config.timeouts.collate,
          s => this.sources.pipelines(collate, this.config.maxPipelines, s),
        ),
    ]);
    const several = locations.length > 1;
    let wf:
      | { runs: WorkflowRun[]; last24h: WorkflowOverview['last24h'] }
      | undefined;
    let sched: { schedules: WorkflowSchedule[] } | undefined;
    for (const { location: l, workflows, schedules } of perLocation) {
      const where = several ? ` (${l.cluster}/${l.namespace})` : '';
      const got = f.take('kubernetes', workflows);
      if (got?.staleReason) {
        f.judge(
          'degraded',
          `Workflow counts may be stale${where}: ${got.staleReason}`,
        );
      }
      const argo = l.argoServerUrl
        ? this.argoServers.get(normalizeUrl(l.argoServerUrl))
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
      .slice(0, this.config.recentRuns);
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
          since > this.config.staleRunMs
            ? {
                ...p,
                stale: `Collate has said ${p.lastState} for ${Math.round(
                  since / 3_600_000,
                )} h (limit collate.status.staleRunMinutes ${Math.round(
                  this.config.staleRunMs / 60_000,
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
      ...f.result(this.config.notice),
      ...(a.namespace ? { namespace: a.namespace } : {}),
      ...(runs ? { runs } : {}),
      ...(wf ? { last24h: wf.last24h } : {}),
      ...(sched ? { schedules: sched.schedules } : {}),
      ...(pipes ? { pipelines: pipes.pipelines } : {}),
      ...(pipes?.truncated ? { pipelinesTruncated: true } : {}),
    };
  }

  /**
   * A release as installed: chart and app version from its Deployment's labels, Helm's state of its latest revision
   * (a release left `pending-*` or `failed` is judged degraded), against the version it was created with and the
   * guides' pin (a chart other than the one created with is judged degraded: drift).
   */
  private async release(
    u: UserAuth,
    f: Findings,
    cluster: string,
    namespace: string,
    release: string,
    deployment: DeploymentInfo | undefined,
    createdWith?: string,
  ): Promise<CollateReleaseInfo> {
    const chart = parseHelmChartLabel(deployment?.labels['helm.sh/chart']);
    const appVersion = deployment?.labels['app.kubernetes.io/version'];
    const helm = await this.cache.get(
      `k8s:${cluster}:helm:${namespace}:${release}${u.key}`,
      this.config.timeouts.kubernetes,
      s => this.sources.helmRelease(cluster, namespace, release, s, u.auth),
    );
    // Without `list` on Secrets the state is only not shown: the rest of the card stands.
    const state = helm.ok ? helm.value : undefined;
    if (state && isHelmReleaseStuck(state.status)) {
      f.judge(
        'degraded',
        `Helm release ${release} is ${state.status} at revision ${state.revision}: recover it (helm rollback) before the next upgrade`,
      );
    }
    if (chart && createdWith && chart.version !== createdWith) {
      f.judge(
        'degraded',
        `Chart ${chart.chart} ${chart.version} installed; the deployment was created with ${createdWith}`,
      );
    }
    const guidePin = chart && COLLATE_GUIDE_CHART_PINS[chart.chart];
    return {
      release,
      namespace,
      ...(chart ? { chart: chart.chart, chartVersion: chart.version } : {}),
      ...(appVersion ? { appVersion } : {}),
      ...(state ? { helmStatus: state.status, revision: state.revision } : {}),
      ...(createdWith ? { createdWith } : {}),
      ...(guidePin ? { guidePin } : {}),
    };
  }

  /** Pull secrets kept fresh by the plugin set: an expired token, or one expiring within the hour, is a warning. */
  private async pullSecrets(
    u: UserAuth,
    f: Findings,
    cluster: string,
    namespace: string,
  ): Promise<CollatePullSecretInfo[] | undefined> {
    const got = await this.cache.get(
      `k8s:${cluster}:pull-secrets:${namespace}${u.key}`,
      this.config.timeouts.kubernetes,
      s => this.sources.pullSecrets(cluster, namespace, s, u.auth),
    );
    if (!got.ok) return undefined;
    const now = Date.now();
    return got.value.map(p => {
      const { health, msLeft: left } = pullSecretHealth(p, now);
      if (health === 'degraded' && left !== undefined)
        f.judge(
          'degraded',
          left <= 0
            ? `Pull secret ${p.name} expired ${Math.round(
                -left / 60_000,
              )} min ago: new pods cannot pull their images`
            : `Pull secret ${p.name} expires in ${Math.round(
                left / 60_000,
              )} min`,
        );
      return { ...p, namespace, health };
    });
  }

  private collateServer(a: Annotations, f: Findings) {
    if (!a.serverUrl) {
      f.judge(
        'unknown',
        `Add ${COLLATE_ANNOTATIONS.serverUrl}: Collate validates this component`,
      );
      return undefined;
    }
    const server = this.collateServers.get(normalizeUrl(a.serverUrl));
    if (!server) {
      f.fail(
        'collate',
        `${a.serverUrl} is not configured under collate.servers in the backend`,
        'collate.servers',
      );
    }
    return server;
  }

  private argoServer(a: Annotations, f: Findings) {
    if (!a.argoServerUrl) return undefined;
    const server = this.argoServers.get(normalizeUrl(a.argoServerUrl));
    if (!server) {
      f.fail(
        'argo',
        `${a.argoServerUrl} is not configured under collate.argo.servers in the backend`,
        'collate.argo.servers',
      );
    }
    return server;
  }

  private deployments(
    u: UserAuth,
    cluster: string,
    namespace: string,
    selector: string,
  ) {
    return this.cache.get(
      `k8s:${cluster}:deploy:${namespace}:${selector}${u.key}`,
      this.config.timeouts.kubernetes,
      s => this.sources.deployments(cluster, namespace, selector, s, u.auth),
    );
  }

  /**
   * Not cached: the workflow index is kept current by its watch; runs are fetched once per resourceVersion. With the
   * backend's own credentials the index is shared between replicas (one follows, the others read what it publishes).
   */
  private workflows(u: UserAuth, cluster: string, namespace: string) {
    return settle(
      s =>
        !u.key && this.shared
          ? this.shared.get(cluster, namespace, s)
          : this.sources.workflows(cluster, namespace, s, u.auth),
      this.config.timeouts.kubernetes,
    );
  }

  private systemStatus(server: CollateServerConfig) {
    return this.cache.get(
      `collate:${server.url}:system-status`,
      this.config.timeouts.collate,
      s => this.sources.systemStatus(server, s),
    );
  }

  private lastReindex(server: CollateServerConfig) {
    return this.cache.get(
      `collate:${server.url}:reindex`,
      this.config.timeouts.collate,
      s => this.sources.lastReindex(server, s),
    );
  }

  /**
   * Starts a reindex of the entity's Collate (SearchIndexingApplication), or reports the run already in progress:
   * never two at once. Throws an InputError when the entity names no configured Collate server.
   */
  async startReindex(
    entity: { metadata: { annotations?: Record<string, string> } },
    recreateIndex: boolean,
  ): Promise<CollateReindexStarted> {
    const a = readCollateAnnotations(entity);
    const f = new Findings();
    const server = this.collateServer(a, f);
    if (!server) {
      throw new InputError(
        f.errors[0]?.message ??
          `Add ${COLLATE_ANNOTATIONS.serverUrl}: the reindex runs on that Collate server`,
      );
    }
    const key = `collate:${server.url}:reindex`;
    const signal = AbortSignal.timeout(this.config.timeouts.collate * 3);
    const current = await this.sources.lastReindex(server, signal);
    if (current && isAppRunActive(current.status))
      return { started: false, run: current };
    const started = await this.sources.startReindex(
      server,
      { recreateIndex },
      signal,
    );
    await this.cache.forget(key);
    const run = await this.sources.lastReindex(server, signal);
    return { started, ...(run ? { run } : {}) };
  }

  /**
   * Triggers or deploys one of the pipelines of the entity's Collate server; the pipelines shown are read again on
   * the next view. Collate's refusals become a 409 with its reason, an unknown pipeline a 404.
   */
  async operatePipeline(
    entity: { metadata: { annotations?: Record<string, string> } },
    pipelineId: string,
    operation: CollatePipelineOperation,
  ): Promise<CollatePipelineOperationResult> {
    if (!UUID.test(pipelineId))
      throw new InputError(`'${pipelineId}' is not a pipeline id (a UUID)`);
    const a = readCollateAnnotations(entity);
    const f = new Findings();
    const server = this.collateServer(a, f);
    if (!server) {
      throw new InputError(
        f.errors[0]?.message ??
          `Add ${COLLATE_ANNOTATIONS.serverUrl}: the pipelines are on that Collate server`,
      );
    }
    let answer: { reason?: string };
    try {
      answer = await this.sources.pipelineOperation(
        server,
        pipelineId,
        operation,
        AbortSignal.timeout(this.config.timeouts.collate * 5),
      );
    } catch (error) {
      const status = (error as { status?: number }).status;
      const message = (error as Error).message;
      if (status === 404)
        throw new NotFoundError(
          `No ingestion pipeline ${pipelineId}: ${message}`,
        );
      if (status !== undefined) throw new ConflictError(message);
      throw new ServiceUnavailableError(
        `Collate at ${a.serverUrl} did not answer: ${message}`,
      );
    } finally {
      await this.cache.forget(`collate:${server.url}:pipelines`);
    }
    return { pipelineId, operation, ...answer };
  }

  private collateVersion(server: CollateServerConfig) {
    return this.cache.get(
      `collate:${server.url}:version`,
      this.config.timeouts.collate,
      s => this.sources.collateVersion(server, s),
    );
  }

  private argoVersion(server: ArgoServerConfig) {
    return this.cache.get(
      `argo:${server.url}:version`,
      this.config.timeouts.argo,
      s => this.sources.argoVersion(server, s),
    );
  }
}

const ENGINES: Array<[RegExp, string]> = [
  [/postgres/i, 'postgresql'],
  [/mysql/i, 'mysql'],
  [/opensearch/i, 'opensearch'],
  [/elasticsearch/i, 'elasticsearch'],
];

/** Type, version and host from a validation message such as "Connected to PostgreSQL 15.4 at db:5432". */
export function parseValidation(message: string): {
  type?: string;
  version?: string;
  host?: string;
} {
  const type = ENGINES.find(([re]) => re.test(message))?.[1];
  const version = message.match(/\b(\d+\.\d+(?:\.\d+)?)\b/)?.[1];
  const host = message.match(/\bat\s+([\w.-]+(?::\d+)?)/)?.[1];
  return {
    ...(type ? { type } : {}),
    ...(version ? { version } : {}),
    ...(host ? { host } : {}),
  };
}
