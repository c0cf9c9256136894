import type { CollateComponentKind } from './annotations';

/**
 * How a component is doing, from the sources the backend could reach.
 * `unknown` means a source could not be asked (unreachable, timed out, not configured); the reason says why.
 * @public
 */
export type CollateHealth = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

/** Where the backend gets status from. @public */
export type CollateStatusSource = 'kubernetes' | 'argo' | 'collate' | 'storage';

/** A source that could not answer for a component, and why. @public */
export interface CollateSourceError {
  source: CollateStatusSource;
  message: string;
  /**
   * Set when the source could not answer because the backend's configuration lacks something: the config key to add
   * (`collate.servers`, `collate.argo.servers`, `kubernetes.clusterLocatorMethods`).
   */
  configKey?: string;
}

/** Replicas of a Deployment as the Kubernetes API reports them. @public */
export interface CollateDeploymentStatus {
  name: string;
  namespace: string;
  ready: number;
  desired: number;
  /** The first container's image, e.g. `quay.io/argoproj/argocli:v3.7.1`. */
  image?: string;
}

/** Fields every component status has. @public */
export interface CollateComponentStatusBase {
  component: CollateComponentKind;
  health: CollateHealth;
  /** One sentence a person can act on; always set when health is not `healthy`. */
  reason?: string;
  /** When the backend gathered this status (ISO 8601). */
  observedAt: string;
  /** Sources that failed; the fields they would have filled are absent. */
  errors: CollateSourceError[];
}

/**
 * A Helm release of the deployment as the cluster shows it: chart and app version from its Deployment's labels
 * (`helm.sh/chart`, `app.kubernetes.io/version`), Helm's state of its latest revision, and what it is compared
 * with. @public
 */
export interface CollateReleaseInfo {
  release: string;
  namespace: string;
  chart?: string;
  chartVersion?: string;
  appVersion?: string;
  /** Helm's state of the latest revision: `deployed`, `failed`, `pending-install`, `pending-upgrade`, … */
  helmStatus?: string;
  revision?: number;
  /** The chart version the deployment was created with (the entity's annotation, written by the template). */
  createdWith?: string;
  /** The chart version the guides pin. */
  guidePin?: string;
  /** The backend's verdict on `helmStatus` (`helmStateHealth`). */
  helmHealth?: CollateHealth;
  /** The backend's verdict on the chart against `createdWith` (`chartDriftHealth`): degraded is drift. */
  chartHealth?: CollateHealth;
}

/** A registry pull secret kept fresh by the plugin set (ECR tokens live 12 hours). @public */
export interface CollatePullSecretInfo {
  name: string;
  namespace: string;
  expiresAt?: string;
  /** The status backend's verdict on the token's expiry (`pullSecretHealth`); the cards show it as it is. */
  health?: CollateHealth;
}

/** The Collate server: its Deployment, version and the deployment checks of `/api/v1/system/status`. @public */
export interface CollateServerStatus extends CollateComponentStatusBase {
  component: 'server';
  url?: string;
  version?: string;
  deployment?: CollateDeploymentStatus;
  release?: CollateReleaseInfo;
  /** The OpenMetadata version the server's image tag names (`om-1.12.3-cl-1.12.3` → `1.12.3`). */
  imageVersion?: string;
  pullSecrets?: CollatePullSecretInfo[];
  /** Each check of `/api/v1/system/status` (database, searchInstance, pipelineServiceClient, jwks, migrations). */
  checks?: Array<{ name: string; passed: boolean; message: string }>;
}

/** Workflow phases as Argo reports them, plus `Unknown` for workflows the controller has not picked up yet. @public */
export type WorkflowPhase =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Error'
  | 'Unknown';

/** Argo Workflows: server and controller Deployments, server version, workflow counts. @public */
export interface CollateArgoStatus extends CollateComponentStatusBase {
  component: 'argo';
  namespace?: string;
  server?: CollateDeploymentStatus;
  controller?: CollateDeploymentStatus;
  /** `version` of the Argo server's `/api/v1/version`. */
  serverVersion?: string;
  /** Workflows in the ingestion namespace by phase (all of them, not only the last 24 h). */
  workflowsByPhase?: Partial<Record<WorkflowPhase, number>>;
  uiUrl?: string;
  release?: CollateReleaseInfo;
}

/** The database or the search engine, as Collate validates it. @public */
export interface CollateBackingServiceStatus
  extends CollateComponentStatusBase {
  component: 'database' | 'search';
  /** `postgresql`, `mysql`, `opensearch` or `elasticsearch`, when Collate's check names it. */
  type?: string;
  host?: string;
  version?: string;
  /** The endpoint the deployment was configured with (the entity's annotation). */
  endpoint?: string;
  /** Collate's own words from `/api/v1/system/status`. */
  message?: string;
  /** The search engine's last reindex (Collate's SearchIndexingApplication), when Collate lists one. */
  reindex?: CollateReindexRun;
}

/** A run of Collate's SearchIndexingApplication (OpenMetadata's AppRunRecord). @public */
export interface CollateReindexRun {
  /** `running`, `success`, `failed`, … as Collate reports it. */
  status: string;
  startTime?: string;
  endTime?: string;
  /** Why it failed, in Collate's words. */
  failure?: string;
}

/** AppRunRecord states of a run that is not over yet (`started`, `running`, `pending`, `active`). @public */
export function isAppRunActive(status: string): boolean {
  // `stopInProgress` (OpenMetadata 1.12 and later): being stopped, not over yet.
  return ['started', 'running', 'pending', 'active', 'stopInProgress'].includes(
    status,
  );
}

/** Answer of the backend's reindex route: the run now in progress. @public */
export interface CollateReindexStarted {
  /** `false` when a run was already in progress: it is awaited, not started twice. */
  started: boolean;
  run?: CollateReindexRun;
}

/** Connection of a Hybrid Ingestion Runner to Collate. @public */
export type RunnerConnection = 'connected' | 'disconnected' | 'unknown';

/**
 * A Hybrid Ingestion Runner: its pods, its connection to Collate as the runner reports it (the gauge
 * `collate_hybrid_agent_connected` on its metrics port), and whether Collate lists it. @public
 */
export interface CollateRunnerStatus extends CollateComponentStatusBase {
  component: 'runner';
  agentId?: string;
  namespace?: string;
  deployment?: CollateDeploymentStatus;
  connection: RunnerConnection;
  release?: CollateReleaseInfo;
  pullSecrets?: CollatePullSecretInfo[];
  /** Runner pods whose metrics say connected, of those that answered, e.g. `1/1`. */
  connectedPods?: string;
  /** Whether Collate lists the runner (`GET /api/v1/ingestionRunners`), and as its default runner. */
  registration?: { listed: boolean; isDefault?: boolean };
}

/** One Argo workflow run. @public */
export interface WorkflowRun {
  name: string;
  namespace: string;
  /** The cluster it runs in (an entity's ingestion can run in several: `collate.io/ingestion-locations`). */
  cluster?: string;
  phase: WorkflowPhase;
  /** Argo's `status.progress`, e.g. `3/5`. */
  progress?: string;
  startedAt?: string;
  finishedAt?: string;
  durationSeconds?: number;
  /** The CronWorkflow that started it, when one did. */
  cronWorkflow?: string;
  message?: string;
  /**
   * Set when Argo says the run is going but it is not: a step's pod is gone, or it runs past its active deadline or
   * the backend's limit (`collate.status.staleRunMinutes`). Says why.
   */
  stale?: string;
  /** The run in the Argo UI, and its logs. */
  url?: string;
  logsUrl?: string;
}

/** A CronWorkflow: the schedule of an ingestion. @public */
export interface WorkflowSchedule {
  name: string;
  schedule: string;
  timezone?: string;
  suspended: boolean;
  /** Next run computed from the schedule (ISO 8601); absent when suspended or the schedule cannot be read. */
  nextRun?: string;
  lastScheduled?: string;
}

/** An ingestion pipeline as Collate knows it. @public */
export interface CollatePipeline {
  /** Collate's id of the pipeline, which its trigger and deploy routes take. */
  id: string;
  name: string;
  /** Its service's ingestion page in Collate's UI. */
  url?: string;
  fullyQualifiedName: string;
  pipelineType: string;
  deployed?: boolean;
  enabled?: boolean;
  schedule?: string;
  /** `pipelineState` of the latest run: queued, running, success, failed or partialSuccess. */
  lastState?: string;
  lastRunAt?: string;
  /** Set when Collate still calls the latest run running or queued past the backend's limit; says why. */
  stale?: string;
  /** The status backend's verdict on the latest run (`pipelineHealth`); the cards show it as it is. */
  health?: CollateHealth;
}

/** Ingestion workflows: latest runs, schedules, 24 h counts and Collate's pipelines. @public */
export interface CollateIngestionStatus extends CollateComponentStatusBase {
  component: 'ingestion';
  namespace?: string;
  /** Newest first. */
  runs?: WorkflowRun[];
  /** Runs created in the last 24 hours, by phase. */
  last24h?: Partial<Record<WorkflowPhase, number>>;
  schedules?: WorkflowSchedule[];
  pipelines?: CollatePipeline[];
  /** Whether Collate has more pipelines than listed. */
  pipelinesTruncated?: boolean;
  /**
   * Locations read on each view instead of followed, each with why, as
   * `cluster/namespace: not followed: limit reached: …`: the backend follows a bounded number of namespaces.
   */
  notFollowed?: string[];
}

/** The status of one component of a Collate deployment. @public */
export type CollateComponentStatus =
  | CollateServerStatus
  | CollateArgoStatus
  | CollateBackingServiceStatus
  | CollateRunnerStatus
  | CollateIngestionStatus
  | CollateMetaflowStatus;

/** One service of a Metaflow stack and its Deployment. @public */
export interface CollateMetaflowService {
  /** The Deployment's name, as metaflow-tools names it (`metadata-service`, …). */
  name: string;
  title: string;
  /** What it is part of: Metaflow itself, or the orchestrator the stack deployed. */
  part: 'metaflow' | 'argo-workflows' | 'argo-events' | 'airflow';
  /** Absent when the Deployment is not there. */
  deployment?: CollateDeploymentStatus;
  /** The version its image tag names (`…/metaflow_metadata_service:2.3.3` → `2.3.3`). */
  version?: string;
  /**
   * The metadata service's database migrations (its `db-migrations` init container): `done` once a pod is ready,
   * which Kubernetes allows only after its init containers completed.
   */
  migrations?: 'done' | 'pending';
  /** The backend's verdict on this service. */
  health: CollateHealth;
}

/** Metaflow's datastore: whether its storage container answers. @public */
export interface CollateMetaflowDatastore {
  url: string;
  reachable: boolean;
  /** Azure Storage's answer to an anonymous request: its HTTP status and error code (a private container refuses). */
  answer?: { status: number; errorCode?: string };
  /** Why it is not reachable. */
  error?: string;
  health: CollateHealth;
}

/**
 * Metaflow on Azure (guides 003/004): the metadata service, the UI backend and the static UI, the orchestrator's
 * services (Argo Workflows and Argo Events, or Airflow), and the datastore container. @public
 */
export interface CollateMetaflowStatus extends CollateComponentStatusBase {
  component: 'metaflow';
  namespace?: string;
  orchestrator?: 'argo-workflows' | 'airflow' | 'none';
  services?: CollateMetaflowService[];
  datastore?: CollateMetaflowDatastore;
}

/** The status of every component an entity describes. @public */
export interface CollateEntityStatus {
  entityRef: string;
  components: CollateComponentStatus[];
  /** The backend's `collate.status.notice`, said in place of configuration and connection errors. */
  notice?: string;
}
