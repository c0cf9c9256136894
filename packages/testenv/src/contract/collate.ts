// A contract server for the parts of the Collate / OpenMetadata REST API (base `/api`) that the plugins use.
// No Collate server can run here, so this follows the documented contract: JWT bearer auth on every route,
// OpenMetadata's list shape `{ data, paging: { after, total } }` with cursor paging, its error body
// `{ code, message }`, and switches for a slow or failing server.
//
// Modelled routes:
//   GET  /api/v1/system/version                           { version, revision, timestamp }
//   GET  /api/v1/system/status                            ValidationResponse: database, searchInstance,
//                                                         pipelineServiceClient, jwks, migrations
//   GET  /api/v1/services/ingestionPipelines              ?fields=&service=&pipelineType=&limit=&after=
//   GET  /api/v1/services/ingestionPipelines/name/{fqn}   ?fields= one pipeline (IngestionPipelineResource.getByName)
//   GET  /api/v1/services/ingestionPipelines/{id}         ?fields= one pipeline (IngestionPipelineResource.get)
//   GET  /api/v1/services/ingestionPipelines/status       pipeline service client status
//   GET  /api/v1/services/ingestionPipelines/{fqn}/pipelineStatus   ?startTs=&endTs= (latest 5 without)
//   POST /api/v1/services/ingestionPipelines/trigger/{id} and /deploy/{id}
//   POST /api/v1/apps/trigger/{name}                      run an application now (body merged into its config):
//                                                         200 with no body; 400 "Job is already running…" while a
//                                                         run is active; 404 for an unknown app
//   GET  /api/v1/apps/name/{name}/status                  ?offset=&limit= AppRunRecords, newest first
//   GET  /api/v1/ingestionRunners                         ?limit=&after= the runners Collate knows: id, name (the
//                                                         runner's agentId), fullyQualifiedName, isDefault
//   GET  /__runner-channel/{agentId}                      simulation, not Collate's REST API: stands for the runner's
//                                                         private websocket (SERVER_URL); the test environment's pod
//                                                         network asks it on each scrape of the runner's
//                                                         `collate_hybrid_agent_connected` (src/podNetwork.ts). 200 while
//                                                         the runner may hold its channel, 503 when it may not (yet),
//                                                         404 for an agent Collate does not know, 401 on a bad token
//   GET  /__testenv/mutating-calls                        test introspection, not Collate's REST API: the writes this
//                                                         server accepted so far (method, path, status), for a test
//                                                         in another process (the browser tests' live demo) to count
// Versions: it answers as one OpenMetadata release (`version`, default 1.12.3) of a supported line (1.12, 1.13, 2.0), in
// the shapes of that line's JSON Schemas, which the contract tests check with the line's own generated models and
// Python client (packages/testenv/python/openmetadata_client_check.py). The one difference our routes show:
// `pipelineStatuses` is the last run (an object) up to 1.13, and the most recent runs (a list) from 2.0; newest first
// is an assumption of this server, the schema only says "most recent".
// The pipeline routes follow IngestionPipelineResource: entities in the IngestionPipeline schema (sourceConfig,
// airflowConfig, service and ingestionRunner as EntityReferences); deploy and trigger answer
// PipelineServiceClientResponse `{ code, reason, platform }`.
// The apps routes follow OpenMetadata's AppResource (1.12): only SearchIndexingApplication is installed here; its run
// goes from `running` to `success` (or the outcome set with setReindexOutcome) after `reindexDurationMs`. Keeping the
// merged config on the run record (`config`) is an assumption of this server, for tests to see what was sent.
// The runners list follows the calls Collate's own UI tests make (`GET /api/v1/ingestionRunners?limit=100`, entries
// with `id`, `name`, `isDefault`); a runner's connection is not in it: the runner reports it in its own metric.
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
  type Server,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  HttpError,
  bearerToken,
  readJson,
  sendJson,
  signJwt,
  sleep,
  verifyJwt,
  type RecordedCall,
} from './http.ts';
import type {
  AppRunRecord,
  CollateContractOptions,
  CollateContractServer,
  CollateDeploymentModel,
  IngestionPipeline,
  IngestionRunner,
  PipelineStatus,
} from './collate/model.ts';
import { pageOf } from './collate/paging.ts';
import { systemStatus } from './collate/systemStatus.ts';

export type * from './collate/model.ts';

/** The OpenMetadata lines the contract server answers as, each with the newest release the tests use. */
export const COLLATE_CONTRACT_LINES = {
  '1.12': '1.12.3',
  '1.13': '1.13.6',
  '2.0': '2.0.7',
} as const;

export type CollateContractLine = keyof typeof COLLATE_CONTRACT_LINES;

/** The line of a version (`1.13.6` → `1.13`); an Error for a version of no supported line. */
export function contractLineOf(version: string): CollateContractLine {
  const line = version.split('.').slice(0, 2).join('.');
  if (!(line in COLLATE_CONTRACT_LINES))
    throw new Error(
      `the Collate contract server answers as ${Object.keys(
        COLLATE_CONTRACT_LINES,
      ).join(', ')}, not ${version}`,
    );
  return line as CollateContractLine;
}

/** `sourceConfig.config.type` of each pipeline type, as OpenMetadata's SourceConfig union tells them apart. */
const SOURCE_CONFIG_TYPES: Record<IngestionPipeline['pipelineType'], string> = {
  metadata: 'DatabaseMetadata',
  usage: 'DatabaseUsage',
  lineage: 'DatabaseLineage',
  profiler: 'Profiler',
  TestSuite: 'TestSuite',
  dataInsight: 'dataInsight',
  elasticSearchReindex: 'MetadataToElasticSearch',
  dbt: 'DBT',
  application: 'Application',
};

const fieldsOf = (url: URL) =>
  (url.searchParams.get('fields') ?? '').split(',').map(f => f.trim());

export async function startCollateContractServer(
  options: CollateContractOptions = {},
): Promise<CollateContractServer> {
  const secret = randomBytes(32).toString('hex');
  const version = options.version ?? '1.12.3';
  const line = contractLineOf(version);
  const calls: RecordedCall[] = [];
  const pipelines: IngestionPipeline[] = [];
  const statuses = new Map<string, PipelineStatus[]>();
  const runners = new Map<
    string,
    IngestionRunner & { connectAt: number | undefined }
  >();
  const appRuns = new Map<string, AppRunRecord[]>([
    ['SearchIndexingApplication', []],
  ]);
  let reindex = {
    outcome: 'success' as 'success' | 'failed',
    durationMs: 1500,
  };
  /** Runs of an app, newest first, each brought up to date. */
  const runsOf = (app: string) => {
    const runs = appRuns.get(app);
    if (!runs)
      throw new HttpError(404, '404', `App instance for ${app} not found`);
    const now = Date.now();
    for (const r of runs) {
      if (r.status === 'running' && now >= r.startTime + reindex.durationMs) {
        r.status = reindex.outcome;
        r.endTime = r.startTime + reindex.durationMs;
        r.executionTime = reindex.durationMs;
        r.timestamp = r.endTime;
        if (reindex.outcome === 'success') {
          r.successContext = {
            stats: {
              jobStats: {
                totalRecords: 1204,
                successRecords: 1204,
                failedRecords: 0,
              },
            },
          };
        } else {
          r.failureContext = {
            failure: {
              message: 'Reindexing failed: search cluster unavailable',
            },
          };
        }
      }
    }
    return runs;
  };
  const failures: Array<{ path: RegExp; status: number; remaining: number }> =
    [];
  let latencyMs = 0;
  let model: CollateDeploymentModel = {
    database: {
      type: 'postgresql',
      host: 'postgres.collate:5432',
      version: '15.4',
      healthy: true,
    },
    search: {
      type: 'opensearch',
      host: 'opensearch.collate:9200',
      version: '3.4.0',
      healthy: true,
    },
    pipelineService: { platform: 'Argo', version: 'v3.7.1', healthy: true },
    ...options.deployment,
  };

  /** A pipeline as the line answers it, with the `fields` asked for. */
  const pipelineAnswer = (p: IngestionPipeline, fields: string[]) => {
    const runs = statuses.get(p.fullyQualifiedName) ?? [];
    if (!fields.includes('pipelineStatuses')) return p;
    const recent = [...runs].reverse();
    if (line === '2.0') return { ...p, pipelineStatuses: recent.slice(0, 10) };
    return recent[0] ? { ...p, pipelineStatuses: recent[0] } : p;
  };

  const requireAuth = (req: IncomingMessage) => {
    const token = bearerToken(req);
    if (!token)
      throw new HttpError(401, '401', 'Not Authorized! Token not present');
    const claims = verifyJwt(token, secret);
    if (!claims)
      throw new HttpError(401, '401', 'Not Authorized! Invalid token');
    return claims;
  };

  async function route(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    requireAuth(req);
    let m: RegExpMatchArray | null;

    if (path === '/api/v1/system/version' && method === 'GET') {
      return sendJson(res, 200, {
        version: options.reportedVersion ?? version,
        revision: 'contract',
        timestamp: Date.parse('2026-01-01T00:00:00Z'),
      });
    }
    if (path === '/api/v1/system/status' && method === 'GET') {
      return sendJson(res, 200, systemStatus(model, version));
    }
    if (
      path === '/api/v1/services/ingestionPipelines/status' &&
      method === 'GET'
    ) {
      const ps = model.pipelineService;
      return sendJson(
        res,
        200,
        ps.healthy
          ? { code: 200, platform: ps.platform, version: ps.version }
          : {
              code: 500,
              platform: ps.platform,
              reason: `${ps.platform} is not reachable`,
            },
      );
    }
    if (path === '/api/v1/services/ingestionPipelines' && method === 'GET') {
      const service = url.searchParams.get('service');
      const type = url.searchParams.get('pipelineType');
      const fields = fieldsOf(url);
      const filtered = pipelines.filter(
        p =>
          (!service || p.service.fullyQualifiedName === service) &&
          (!type || p.pipelineType === type),
      );
      const result = pageOf(filtered, url);
      return sendJson(res, 200, {
        ...result,
        data: result.data.map(p => pipelineAnswer(p, fields)),
      });
    }
    m = path.match(/^\/api\/v1\/services\/ingestionPipelines\/name\/([^/]+)$/);
    if (m && method === 'GET') {
      const fqn = decodeURIComponent(m[1]);
      const pipeline = pipelines.find(p => p.fullyQualifiedName === fqn);
      if (!pipeline)
        throw new HttpError(
          404,
          '404',
          `ingestionPipeline instance for ${fqn} not found`,
        );
      return sendJson(res, 200, pipelineAnswer(pipeline, fieldsOf(url)));
    }
    m = path.match(
      /^\/api\/v1\/services\/ingestionPipelines\/([0-9a-f-]{36})$/,
    );
    if (m && method === 'GET') {
      const pipeline = pipelines.find(p => p.id === m![1]);
      if (!pipeline)
        throw new HttpError(
          404,
          '404',
          `ingestionPipeline instance for ${m[1]} not found`,
        );
      return sendJson(res, 200, pipelineAnswer(pipeline, fieldsOf(url)));
    }
    m = path.match(
      /^\/api\/v1\/services\/ingestionPipelines\/(trigger|deploy)\/([^/]+)$/,
    );
    if (m && method === 'POST') {
      const pipeline = pipelines.find(p => p.id === m![2]);
      if (!pipeline)
        throw new HttpError(
          404,
          '404',
          `ingestionPipeline instance for ${m[2]} not found`,
        );
      if (m[1] === 'deploy') pipeline.deployed = true;
      if (m[1] === 'trigger') {
        if (!pipeline.deployed)
          throw new HttpError(
            400,
            '400',
            `Pipeline ${pipeline.name} is not deployed`,
          );
        const now = Date.now();
        const list = statuses.get(pipeline.fullyQualifiedName) ?? [];
        list.push({
          runId: randomUUID(),
          pipelineState: 'queued',
          startDate: now,
          timestamp: now,
        });
        statuses.set(pipeline.fullyQualifiedName, list);
      }
      return sendJson(res, 200, {
        code: 200,
        reason: `Workflow [${pipeline.name}] has been ${
          m[1] === 'deploy' ? 'deployed' : 'triggered'
        }`,
        platform: model.pipelineService.platform,
      });
    }
    m = path.match(
      /^\/api\/v1\/services\/ingestionPipelines\/(.+)\/pipelineStatus$/,
    );
    if (m && method === 'GET') {
      const fqn = decodeURIComponent(m[1]);
      if (!pipelines.some(p => p.fullyQualifiedName === fqn))
        throw new HttpError(
          404,
          '404',
          `ingestionPipeline instance for ${fqn} not found`,
        );
      const all = statuses.get(fqn) ?? [];
      const startTs = url.searchParams.get('startTs');
      const endTs = url.searchParams.get('endTs');
      const data =
        startTs || endTs
          ? all.filter(
              s =>
                (!startTs || s.startDate >= Number(startTs)) &&
                (!endTs || s.startDate <= Number(endTs)),
            )
          : all.slice(-5);
      return sendJson(res, 200, {
        data: [...data].reverse(),
        paging: { total: data.length },
      });
    }
    m = path.match(/^\/api\/v1\/apps\/trigger\/([^/]+)$/);
    if (m && method === 'POST') {
      const app = decodeURIComponent(m[1]);
      const runs = runsOf(app);
      if (runs.some(r => r.status === 'running' || r.status === 'started'))
        throw new HttpError(
          400,
          '400',
          'Job is already running, please wait for it to complete.',
        );
      const body = await readJson(req);
      const now = Date.now();
      runs.unshift({
        appName: app,
        status: 'running',
        runType: 'OnDemand',
        timestamp: now,
        startTime: now,
        ...(body && typeof body === 'object'
          ? { config: body as Record<string, unknown> }
          : {}),
      });
      res.statusCode = 200;
      res.end();
      return undefined;
    }
    m = path.match(/^\/api\/v1\/apps\/name\/([^/]+)\/status$/);
    if (m && method === 'GET') {
      const runs = runsOf(decodeURIComponent(m[1]));
      const offset = Math.max(Number(url.searchParams.get('offset') ?? 0), 0);
      const limit = Math.min(
        Math.max(Number(url.searchParams.get('limit') ?? 10), 1),
        1000000,
      );
      return sendJson(res, 200, {
        data: runs.slice(offset, offset + limit),
        paging: { offset, total: runs.length },
      });
    }
    if (path === '/api/v1/ingestionRunners' && method === 'GET') {
      return sendJson(
        res,
        200,
        pageOf(
          [...runners.values()].map(({ connectAt: _, ...r }) => r),
          url,
        ),
      );
    }
    if (path === '/__testenv/mutating-calls' && method === 'GET')
      return sendJson(
        res,
        200,
        calls
          .filter(c => c.method !== 'GET' && c.status < 400)
          .map(({ method: verb, path: at, status }) => ({
            method: verb,
            path: at,
            status,
          })),
      );
    m = path.match(/^\/__runner-channel\/([^/]+)$/);
    if (m && method === 'GET') {
      const runner = runners.get(decodeURIComponent(m[1]));
      if (!runner)
        throw new HttpError(
          404,
          '404',
          `ingestionRunner instance for ${m[1]} not found`,
        );
      if (runner.connectAt === undefined || runner.connectAt > Date.now())
        throw new HttpError(503, '503', `runner ${m[1]} may not connect now`);
      return sendJson(res, 200, { agentId: runner.name });
    }
    throw new HttpError(404, '404', `HTTP 404 Not Found: ${path}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(
      (req.url ?? '/').replace(/^\/{2,}/, '/'),
      'http://contract.local',
    );
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      status: 0,
      at: Date.now(),
    };
    calls.push(call);
    try {
      if (latencyMs) await sleep(latencyMs);
      const failure = failures.find(
        f => f.remaining > 0 && f.path.test(url.pathname),
      );
      if (failure) {
        failure.remaining -= 1;
        throw new HttpError(
          failure.status,
          String(failure.status),
          `Injected failure ${failure.status}`,
        );
      }
      await route(req, res, url);
    } catch (error) {
      const e =
        error instanceof HttpError
          ? error
          : new HttpError(500, '500', String(error));
      sendJson(res, e.status, { code: e.status, message: e.message });
    } finally {
      call.status = res.statusCode;
    }
  }

  const server: Server = options.tls
    ? createHttpsServer(
        { cert: options.tls.cert, key: options.tls.key },
        (req, res) => void handle(req, res),
      )
    : createServer((req, res) => void handle(req, res));
  await new Promise<void>(resolve =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    issueToken(bot = 'ingestion-bot', expiresInSeconds = 3600) {
      const now = Math.floor(Date.now() / 1000);
      return signJwt(
        {
          sub: bot,
          iss: 'open-metadata.org',
          isBot: true,
          iat: now,
          exp: now + expiresInSeconds,
        },
        secret,
      );
    },
    calls,
    reindexRuns: () => [...runsOf('SearchIndexingApplication')],
    addReindexRun(run) {
      const runs = runsOf('SearchIndexingApplication');
      runs.push({
        appName: 'SearchIndexingApplication',
        runType: 'Scheduled',
        ...run,
      });
      runs.sort((a, b) => b.startTime - a.startTime);
    },
    setReindexOutcome(outcome, durationMs) {
      reindex = { outcome, durationMs: durationMs ?? reindex.durationMs };
    },
    mutatingCalls: () =>
      calls.filter(c => c.method !== 'GET' && c.status < 400),
    setDeployment(partial) {
      model = {
        database: { ...model.database, ...partial.database },
        search: { ...model.search, ...partial.search },
        pipelineService: {
          ...model.pipelineService,
          ...partial.pipelineService,
        },
      };
    },
    version,
    addPipeline({ runner, ...p }) {
      const service = {
        id: randomUUID(),
        type: 'databaseService',
        name: 'warehouse',
        fullyQualifiedName: 'warehouse',
        ...p.service,
      };
      const pipelineType = p.pipelineType ?? 'metadata';
      // A runner a pipeline names is known to Collate (listed), connected or not.
      if (runner && !runners.has(runner))
        runners.set(runner, {
          id: randomUUID(),
          name: runner,
          fullyQualifiedName: runner,
          displayName: runner,
          isDefault: runners.size === 0,
          connectAt: undefined,
        });
      const known = runner ? runners.get(runner) : undefined;
      const pipeline: IngestionPipeline = {
        id: randomUUID(),
        pipelineType,
        deployed: true,
        enabled: true,
        airflowConfig: { scheduleInterval: '0 * * * *' },
        sourceConfig: { config: { type: SOURCE_CONFIG_TYPES[pipelineType] } },
        ...p,
        ...(known
          ? {
              ingestionRunner: {
                id: known.id,
                type: 'ingestionRunner' as const,
                name: known.name,
                fullyQualifiedName: known.fullyQualifiedName,
              },
            }
          : {}),
        service,
        fullyQualifiedName:
          p.fullyQualifiedName ?? `${service.fullyQualifiedName}.${p.name}`,
      };
      pipelines.push(pipeline);
      return pipeline;
    },
    addPipelineStatus(fqn, status) {
      const list = statuses.get(fqn) ?? [];
      list.push(status);
      statuses.set(fqn, list);
    },
    connectRunner(agentId, afterMs = 0) {
      const known = runners.get(agentId);
      runners.set(agentId, {
        id: known?.id ?? randomUUID(),
        name: agentId,
        fullyQualifiedName: agentId,
        displayName: agentId,
        isDefault: known?.isDefault ?? runners.size === 0,
        connectAt: Date.now() + afterMs,
      });
    },
    disconnectRunner(agentId) {
      const known = runners.get(agentId);
      if (known) known.connectAt = undefined;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    failNext(path, status, times = 1) {
      failures.push({ path, status, remaining: times });
    },
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close(e => (e ? reject(e) : resolve())),
      ),
  };
}
