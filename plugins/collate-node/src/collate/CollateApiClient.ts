import type {
  CollatePipeline,
  CollateReindexRun,
} from '@collate-backstage/plugin-collate-common';
import type { CollatePipelineOperation } from '@collate-backstage/plugin-collate-common';
import type { CollateConnection } from './servers';
import {
  COLLATE_API_LINES,
  collateApiLineOf,
  lastPipelineRun,
} from './apiLines';
import { getJson, readBody, send, UpstreamError } from './http';

/** Collate's application that rebuilds the search indexes (the guides' "configure ReIndexing" step). @public */
export const REINDEX_APP = 'SearchIndexingApplication';

interface AppRunRecord {
  status: string;
  startTime?: number;
  endTime?: number;
  failureContext?: { failure?: { message?: string } } & Record<string, unknown>;
}

const reindexRun = (r: AppRunRecord): CollateReindexRun => ({
  status: r.status,
  ...(r.startTime ? { startTime: new Date(r.startTime).toISOString() } : {}),
  ...(r.endTime ? { endTime: new Date(r.endTime).toISOString() } : {}),
  ...(r.failureContext
    ? {
        failure:
          r.failureContext.failure?.message ?? JSON.stringify(r.failureContext),
      }
    : {}),
});

/** One check of `/api/v1/system/status` (OpenMetadata's `StepValidation`). @public */
export interface ValidationStep {
  description?: string;
  passed: boolean;
  message: string;
}

/** `/api/v1/system/status`: OpenMetadata's `ValidationResponse`. @public */
export interface SystemStatus {
  database?: ValidationStep;
  searchInstance?: ValidationStep;
  pipelineServiceClient?: ValidationStep;
  jwks?: ValidationStep;
  migrations?: ValidationStep;
  [check: string]: ValidationStep | undefined;
}

/** A Hybrid Ingestion Runner as Collate lists it (`GET /api/v1/ingestionRunners`). @public */
export interface ListedRunner {
  id: string;
  name: string;
  isDefault?: boolean;
}

interface PipelinePage {
  data: Array<{
    id: string;
    name: string;
    fullyQualifiedName: string;
    pipelineType: string;
    deployed?: boolean;
    enabled?: boolean;
    service?: { type?: string; fullyQualifiedName?: string };
    airflowConfig?: { scheduleInterval?: string };
    /** The last run (up to 1.13) or the most recent runs (2.0): see lastPipelineRun. */
    pipelineStatuses?: unknown;
  }>;
  paging?: { after?: string; total?: number };
}

/**
 * The Collate (OpenMetadata) REST API, authenticated with a bot's JWT: the one client of the status backend, its
 * routes and the scaffolder actions. Failures are {@link UpstreamError}s with Collate's status (0: no answer).
 * @public
 */
export class CollateApiClient {
  constructor(private readonly pageSize = 100) {}

  systemStatus(server: CollateConnection, signal: AbortSignal) {
    return this.get<SystemStatus>(server, '/api/v1/system/status', signal);
  }

  async version(server: CollateConnection, signal: AbortSignal) {
    return (
      await this.get<{ version: string }>(
        server,
        '/api/v1/system/version',
        signal,
      )
    ).version;
  }

  /**
   * The runner Collate lists under the agent id (`GET /api/v1/ingestionRunners`, following `paging.after`, at most
   * `maxPages` pages); undefined when Collate does not list it. The list says nothing of the runner's connection:
   * the runner reports that itself (`collate_hybrid_agent_connected`).
   */
  async listedRunner(
    server: CollateConnection,
    agentId: string,
    signal: AbortSignal,
    maxPages = 10,
  ): Promise<ListedRunner | undefined> {
    let after: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const query = new URLSearchParams({ limit: String(this.pageSize) });
      if (after) query.set('after', after);
      const list = await this.get<{
        data: ListedRunner[];
        paging?: { after?: string };
      }>(server, `/api/v1/ingestionRunners?${query}`, signal);
      const runner = list.data.find(r => r.name === agentId);
      if (runner)
        return {
          id: runner.id,
          name: runner.name,
          ...(runner.isDefault !== undefined
            ? { isDefault: runner.isDefault }
            : {}),
        };
      after = list.paging?.after;
      if (!after) return undefined;
    }
    return undefined;
  }

  /** The newest run of SearchIndexingApplication (`/api/v1/apps/name/{name}/status`); undefined when none. */
  async lastReindex(
    server: CollateConnection,
    signal: AbortSignal,
  ): Promise<CollateReindexRun | undefined> {
    const page = await this.get<{ data?: AppRunRecord[] }>(
      server,
      `/api/v1/apps/name/${REINDEX_APP}/status?offset=0&limit=1`,
      signal,
    );
    const last = page.data?.[0];
    return last && reindexRun(last);
  }

  /**
   * Starts SearchIndexingApplication (`POST /api/v1/apps/trigger/{name}`, the body merged into the app's config).
   * Collate refuses a second run while one is active (400 "Job is already running"): that is `started: false`.
   */
  async startReindex(
    server: CollateConnection,
    config: { recreateIndex: boolean },
    signal: AbortSignal,
  ): Promise<boolean> {
    const res = await send(
      'Collate',
      `${server.baseUrl}/api/v1/apps/trigger/${REINDEX_APP}`,
      { method: 'POST', token: server.token, body: config, signal },
    );
    if (res.ok) return true;
    const body = await readBody<{ message?: string }>(res);
    if (res.status === 400 && /already running/i.test(body.message ?? ''))
      return false;
    throw new UpstreamError(
      res.status,
      `Collate answered HTTP ${res.status} to the reindex: ${
        body.message ?? res.statusText
      }`,
      body.message,
    );
  }

  /**
   * Triggers or (re)deploys an ingestion pipeline (`POST /api/v1/services/ingestionPipelines/{trigger|deploy}/{id}`).
   * Collate answers with its pipeline service client's response, whose `code` says whether the pipeline service
   * accepted (it can be 500 inside an HTTP 200); a refusal is an {@link UpstreamError} with Collate's reason.
   */
  async pipelineOperation(
    server: CollateConnection,
    pipelineId: string,
    operation: CollatePipelineOperation,
    signal: AbortSignal,
  ): Promise<{ reason?: string }> {
    const res = await send(
      'Collate',
      `${
        server.baseUrl
      }/api/v1/services/ingestionPipelines/${operation}/${encodeURIComponent(
        pipelineId,
      )}`,
      { method: 'POST', token: server.token, signal },
    );
    const body = await readBody<{
      code?: number;
      reason?: string;
      message?: string;
    }>(res);
    const code = res.ok ? body.code ?? res.status : res.status;
    if (code >= 400) {
      throw new UpstreamError(
        code,
        `Collate refused to ${operation} pipeline ${pipelineId}: ${
          body.reason ?? body.message ?? `HTTP ${code}`
        }`,
      );
    }
    return body.reason ? { reason: body.reason } : {};
  }

  /**
   * Ingestion pipelines with their latest status, following `paging.after` up to `max`, read in the shape of the
   * server's release line; a server of a line this plugin does not read is an {@link UpstreamError} that says so,
   * never a guess.
   */
  async pipelines(
    server: CollateConnection,
    max: number,
    signal: AbortSignal,
  ): Promise<{ pipelines: CollatePipeline[]; truncated: boolean }> {
    const version = await this.version(server, signal);
    const line = collateApiLineOf(version);
    if (!line)
      throw new UpstreamError(
        502,
        `Collate ${version} is not a release line this plugin reads (${COLLATE_API_LINES.join(
          ', ',
        )}): its pipelines are not shown rather than misread. Upgrade the Collate plugins for Backstage`,
      );
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
        let last;
        try {
          last = lastPipelineRun(line, p.pipelineStatuses);
        } catch (e) {
          throw new UpstreamError(502, (e as Error).message);
        }
        const at = last?.startDate ?? last?.timestamp;
        // The service's ingestion tab in Collate's UI (`/service/{category}/{fqn}/ingestions`, the UI's
        // SERVICE_WITH_TAB route; a service type `databaseService` is the category `databaseServices`).
        const ui =
          server.uiUrl && p.service?.type && p.service.fullyQualifiedName
            ? `${server.uiUrl}/service/${encodeURIComponent(
                `${p.service.type}s`,
              )}/${encodeURIComponent(p.service.fullyQualifiedName)}/ingestions`
            : undefined;
        pipelines.push({
          id: p.id,
          name: p.name,
          ...(ui ? { url: ui } : {}),
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

  private get<T>(server: CollateConnection, path: string, signal: AbortSignal) {
    return getJson<T>('Collate', `${server.baseUrl}${path}`, {
      token: server.token,
      signal,
    });
  }
}
