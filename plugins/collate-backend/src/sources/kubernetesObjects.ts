import type {
  CollateDeploymentStatus,
  WorkflowPhase,
  WorkflowRun,
  WorkflowSchedule,
} from '@collate-backstage/plugin-collate-common';
import { nextRun } from './schedule';
import type { WorkflowIndexSummary } from './workflowIndex';
import type { IndexedWorkflow } from './workflowTable';

/* The Kubernetes objects the status reads (the fields it reads), and what they become. */

/** A Deployment with the labels and container env the status needs to tell deployments apart. */
export interface DeploymentInfo extends CollateDeploymentStatus {
  labels: Record<string, string>;
  env: Record<string, string>;
  /** Its pods' init containers, by name (e.g. Metaflow's `db-migrations`). */
  initContainers: string[];
}

export interface K8sDeployment {
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
        initContainers?: Array<{ name: string }>;
      };
    };
  };
  status?: { readyReplicas?: number };
}

export interface K8sWorkflow {
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

export const POD_NODE_ID = 'workflows.argoproj.io/node-id';
export const WORKFLOW_LABEL = 'workflows.argoproj.io/workflow';

export interface K8sCronWorkflow {
  metadata: { name: string };
  spec: {
    schedule?: string;
    schedules?: string[];
    timezone?: string;
    suspend?: boolean;
  };
  status?: { lastScheduledTime?: string };
}

export interface List<T> {
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
  /** The runs read in detail: which ones `detail` says (absent: the newest, as before it was said). */
  runs: WorkflowRunDetail[];
  detail?: DetailedRuns;
  /** Set while the watch is failing: the counts are the last ones seen. */
  staleReason?: string;
  /** Why the namespace is read on each view instead of followed (the backend's limit of followed namespaces). */
  notFollowed?: string;
}

export const CRON_LABEL = 'workflows.argoproj.io/cron-workflow';
export const FINISHED = new Set(['Succeeded', 'Failed', 'Error']);

/**
 * Which runs' details (status fields, one request each) a workflows read fetches besides the namespace's counts:
 * - `newest`: the newest runs, as the ingestion card lists them;
 * - `unfinished`: only those of the newest the index calls running or pending, all it takes to judge the component
 *   (a finished run cannot be stale): what a fleet row reads;
 * - `none`: counts only (Argo's card, the run history).
 */
export type DetailedRuns = 'newest' | 'unfinished' | 'none';

const DETAIL_ORDER: DetailedRuns[] = ['none', 'unfinished', 'newest'];

/** Whether an overview read with `has` holds the details `wants` asks for. */
export const detailCovers = (has: DetailedRuns, wants: DetailedRuns) =>
  DETAIL_ORDER.indexOf(has) >= DETAIL_ORDER.indexOf(wants);

/** The more detailed of two. */
export const moreDetailed = (a: DetailedRuns, b: DetailedRuns) =>
  detailCovers(a, b) ? a : b;

/** How long ago, coarsely: minutes under two hours, hours beyond. */
export function ago(ms: number) {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}

export function toDeploymentInfo(d: K8sDeployment): DeploymentInfo {
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
    initContainers: (d.spec?.template?.spec?.initContainers ?? []).map(
      c => c.name,
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

export function toRun(
  full: K8sWorkflow,
  wf: IndexedWorkflow,
): WorkflowRunDetail {
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

export function toSchedule(cron: K8sCronWorkflow, now: Date): WorkflowSchedule {
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
