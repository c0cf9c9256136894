import type { CollatePipeline } from '@collate-backstage/plugin-collate-common';
import type { CollateServerConfig } from '../config';
import { getJson, UpstreamError } from './http';

/** One check of `/api/v1/system/status` (OpenMetadata's `StepValidation`). */
export interface ValidationStep {
  description?: string;
  passed: boolean;
  message: string;
}

/** `/api/v1/system/status`: OpenMetadata's `ValidationResponse`. */
export interface SystemStatus {
  database?: ValidationStep;
  searchInstance?: ValidationStep;
  pipelineServiceClient?: ValidationStep;
  jwks?: ValidationStep;
  migrations?: ValidationStep;
  [check: string]: ValidationStep | undefined;
}

export interface RunnerView {
  connected: boolean;
  lastSeen?: string;
}

interface PipelinePage {
  data: Array<{
    name: string;
    fullyQualifiedName: string;
    pipelineType: string;
    deployed?: boolean;
    enabled?: boolean;
    airflowConfig?: { scheduleInterval?: string };
    pipelineStatuses?: {
      pipelineState?: string;
      startDate?: number;
      timestamp?: number;
    };
  }>;
  paging?: { after?: string; total?: number };
}

/** The Collate (OpenMetadata) REST API, authenticated with a bot's JWT. */
export class CollateApiSource {
  constructor(private readonly pageSize = 100) {}

  systemStatus(server: CollateServerConfig, signal: AbortSignal) {
    return this.get<SystemStatus>(server, '/api/v1/system/status', signal);
  }

  async version(server: CollateServerConfig, signal: AbortSignal) {
    return (
      await this.get<{ version: string }>(
        server,
        '/api/v1/system/version',
        signal,
      )
    ).version;
  }

  /**
   * The runner's connection as Collate sees it. Collate documents no public route for runners; this reads
   * `/api/v1/ingestionRunners/name/{agentId}` and returns undefined when Collate does not know the runner.
   */
  async runner(
    server: CollateServerConfig,
    agentId: string,
    signal: AbortSignal,
  ): Promise<RunnerView | undefined> {
    try {
      const body = await this.get<{
        connected?: boolean;
        status?: string;
        lastSeen?: number;
      }>(
        server,
        `/api/v1/ingestionRunners/name/${encodeURIComponent(agentId)}`,
        signal,
      );
      return {
        connected: body.connected ?? body.status === 'Active',
        ...(body.lastSeen
          ? { lastSeen: new Date(body.lastSeen).toISOString() }
          : {}),
      };
    } catch (error) {
      if (error instanceof UpstreamError && error.status === 404)
        return undefined;
      throw error;
    }
  }

  /** Ingestion pipelines with their latest status, following `paging.after` up to `max`. */
  async pipelines(
    server: CollateServerConfig,
    max: number,
    signal: AbortSignal,
  ): Promise<{ pipelines: CollatePipeline[]; truncated: boolean }> {
    const pipelines: CollatePipeline[] = [];
    let after: string | undefined;
    do {
      const query = new URLSearchParams({
        fields: 'pipelineStatuses',
        limit: String(Math.min(this.pageSize, max - pipelines.length)),
      });
      if (after) query.set('after', after);
      const page = await this.get<PipelinePage>(
        server,
        `/api/v1/services/ingestionPipelines?${query}`,
        signal,
      );
      for (const p of page.data) {
        const last = p.pipelineStatuses;
        const at = last?.startDate ?? last?.timestamp;
        pipelines.push({
          name: p.name,
          fullyQualifiedName: p.fullyQualifiedName,
          pipelineType: p.pipelineType,
          ...(p.deployed !== undefined ? { deployed: p.deployed } : {}),
          ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
          ...(p.airflowConfig?.scheduleInterval
            ? { schedule: p.airflowConfig.scheduleInterval }
            : {}),
          ...(last?.pipelineState ? { lastState: last.pipelineState } : {}),
          ...(at ? { lastRunAt: new Date(at).toISOString() } : {}),
        });
      }
      after = page.paging?.after;
    } while (after && pipelines.length < max);
    return { pipelines, truncated: Boolean(after) };
  }

  private get<T>(
    server: CollateServerConfig,
    path: string,
    signal: AbortSignal,
  ) {
    return getJson<T>('Collate', `${server.baseUrl}${path}`, {
      token: server.token,
      signal,
    });
  }
}
