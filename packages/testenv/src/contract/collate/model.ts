import type { RecordedCall } from '../http.ts';

export type PipelineState =
  | 'queued'
  | 'running'
  | 'success'
  | 'failed'
  | 'partialSuccess';

export interface PipelineStatus {
  runId: string;
  pipelineState: PipelineState;
  startDate: number;
  timestamp: number;
  endDate?: number;
}

export interface IngestionPipeline {
  id: string;
  name: string;
  fullyQualifiedName: string;
  pipelineType:
    | 'metadata'
    | 'usage'
    | 'lineage'
    | 'profiler'
    | 'TestSuite'
    | 'dataInsight'
    | 'elasticSearchReindex'
    | 'dbt'
    | 'application';
  service: {
    id: string;
    type: string;
    name: string;
    fullyQualifiedName: string;
  };
  deployed: boolean;
  enabled: boolean;
  airflowConfig: { scheduleInterval?: string };
  /** What the pipeline runs (required by every line's schema): its config's `type` follows `pipelineType`. */
  sourceConfig: { config: { type: string } };
  /** The runner that executes it: an EntityReference (`type: ingestionRunner`) since 1.12. */
  ingestionRunner?: {
    id: string;
    type: 'ingestionRunner';
    name: string;
    fullyQualifiedName: string;
  };
}

export interface ValidationStep {
  description: string;
  passed: boolean;
  message: string;
}

export interface CollateDeploymentModel {
  database: {
    type: 'postgresql' | 'mysql';
    host: string;
    version: string;
    healthy: boolean;
  };
  search: {
    type: 'opensearch' | 'elasticsearch';
    host: string;
    version: string;
    healthy: boolean;
  };
  pipelineService: { platform: 'Argo'; version: string; healthy: boolean };
}

/** OpenMetadata's AppRunRecord, as `GET /api/v1/apps/name/{name}/status` lists it. */
export interface AppRunRecord {
  appName: string;
  status:
    | 'started'
    | 'running'
    | 'completed'
    | 'failed'
    | 'active'
    | 'activeError'
    | 'stopped'
    | 'success'
    | 'pending'
    | 'stopInProgress';
  runType: 'OnDemand' | 'Scheduled';
  timestamp: number;
  startTime: number;
  endTime?: number;
  executionTime?: number;
  successContext?: Record<string, unknown>;
  failureContext?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** A runner as Collate lists it. */
export interface IngestionRunner {
  id: string;
  name: string;
  fullyQualifiedName: string;
  displayName: string;
  isDefault: boolean;
}

export interface CollateContractOptions {
  /** PEM certificate and key: serve HTTPS (Collate is reached over https in production). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  port?: number;
  host?: string;
  /** The OpenMetadata version it answers as (default 1.12.3): one of the lines in COLLATE_CONTRACT_LINES. */
  version?: string;
  /**
   * What `GET /api/v1/system/version` reports instead, for a server of a line newer than those modelled here (the
   * other answers keep the shapes of `version`'s line).
   */
  reportedVersion?: string;
  deployment?: Partial<CollateDeploymentModel>;
}

export interface CollateContractServer {
  url: string;
  /** A bot's JWT (e.g. `ingestion-bot`), as Collate shows it under Settings → Bots. */
  issueToken(bot?: string, expiresInSeconds?: number): string;
  calls: RecordedCall[];
  mutatingCalls(): RecordedCall[];
  setDeployment(model: Partial<CollateDeploymentModel>): void;
  /** The OpenMetadata version it answers as. */
  version: string;
  addPipeline(
    pipeline: Partial<
      Omit<IngestionPipeline, 'ingestionRunner' | 'service'>
    > & {
      name: string;
      service?: Partial<IngestionPipeline['service']>;
      /** The agent id of the runner that executes it (made known to Collate if it is not yet). */
      runner?: string;
    },
  ): IngestionPipeline;
  addPipelineStatus(fqn: string, status: PipelineStatus): void;
  /**
   * Makes a runner known to Collate (listed at once) and lets it hold its channel now, or after `afterMs`: its
   * `collate_hybrid_agent_connected` then reads 1.
   */
  connectRunner(agentId: string, afterMs?: number): void;
  /** Drops the runner's channel (still listed): its gauge reads 0. */
  disconnectRunner(agentId: string): void;
  /** Runs of SearchIndexingApplication, newest first. */
  reindexRuns(): AppRunRecord[];
  /** Adds a past run of SearchIndexingApplication (a demo's history). */
  addReindexRun(run: Omit<AppRunRecord, 'appName' | 'runType'>): void;
  /** How a reindex run ends and how long it takes (default `success` after 1500 ms). */
  setReindexOutcome(outcome: 'success' | 'failed', durationMs?: number): void;
  /** Adds latency to every API request. */
  setLatency(ms: number): void;
  /** The next `times` API requests whose path matches answer `status`. */
  failNext(path: RegExp, status: number, times?: number): void;
  close(): Promise<void>;
}
