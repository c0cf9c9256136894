// A contract server for Metaflow's metadata service (the `metadata-service` Deployment of metaflow-tools' stack,
// image metaflow_metadata_service 2.3.3). The service is only published as a container image, which cannot run
// here, so this follows its documented REST API (Netflix/metaflow-service, services/metadata_service/api): the routes
// the Metaflow client calls, their status codes (404 for an unknown object, 409 for one that exists), and the objects
// as its data models serialize them (a run's `run_number` is its run id when it has one, a task's `task_id` its task
// name). In memory; what the real client sends and reads back is the test.
//   GET  /ping (header METADATA_SERVICE_VERSION), /version
//   GET  /flows, /flows/{flow}                       POST /flows/{flow}
//   GET  /flows/{flow}/runs[/{run}]                  POST /flows/{flow}/run, /flows/{flow}/runs/{run}/heartbeat
//   PATCH /flows/{flow}/runs/{run}/tag/mutate
//   GET  …/runs/{run}/steps[/{step}]                 POST …/steps/{step}/step
//   GET  …/steps/{step}/tasks[/{task}]               POST …/steps/{step}/task, …/tasks/{task}/heartbeat
//   GET  …/tasks/{task}/artifacts[/{name}], …/tasks/{task}/attempt/{n}/artifacts, …/tasks/{task}/metadata
//   POST …/tasks/{task}/artifact, …/tasks/{task}/metadata
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, readJson, sendJson, type RecordedCall } from './http.ts';

/** The metadata service version metaflow-tools' Azure stack deploys. */
export const METAFLOW_METADATA_SERVICE_VERSION = '2.3.3';

type Row = Record<string, unknown>;

interface Task extends Row {
  artifacts: Row[];
  metadata: Row[];
}

export interface MetaflowMetadataServer {
  /** Where the client reaches it, with a trailing slash (`METAFLOW_SERVICE_URL`). */
  readonly url: string;
  readonly calls: RecordedCall[];
  /** Every task of a flow's runs, as `run/step/task` pathspecs. */
  tasks(flow: string): string[];
  close(): Promise<void>;
}

export async function startMetaflowMetadataServer(): Promise<MetaflowMetadataServer> {
  const flows = new Map<string, Row>();
  const runs = new Map<string, Row>();
  const steps = new Map<string, Row>();
  const tasks = new Map<string, Task>();
  // The database's serial ids: run numbers, task ids and metadata ids are unique across flows.
  let runSerial = 0;
  let taskSerial = 0;
  let metadataSerial = 0;
  const calls: RecordedCall[] = [];
  const now = () => Date.now();

  const common = (body: Row) => ({
    user_name: body.user_name ?? null,
    ts_epoch: now(),
    tags: (body.tags as string[] | undefined) ?? [],
    system_tags: (body.system_tags as string[] | undefined) ?? [],
  });
  const found = <T>(map: Map<string, T>, key: string, what: string): T => {
    const value = map.get(key);
    if (!value) throw new HttpError(404, 'NotFound', `${what} not found`);
    return value;
  };
  /** A run or task addressed by its number or by its name (its run id or task name). */
  const runKey = (flow: string, run: string) => {
    for (const [key, r] of runs)
      if (r.flow_id === flow && String(r.run_number) === run) return key;
    return `${flow}/${run}`;
  };
  const taskKey = (stepKey: string, task: string) => {
    for (const [key, t] of tasks)
      if (key.startsWith(`${stepKey}/`) && String(t.task_id) === task)
        return key;
    return `${stepKey}/${task}`;
  };
  const exists = (what: string) =>
    new HttpError(409, 'Conflict', `${what} already exists`);
  const taskRow = (t: Task) => {
    const { artifacts: _a, metadata: _m, ...row } = t;
    return row;
  };

  type Handler = (
    m: string[],
    body: Row | Row[] | undefined,
  ) => { status?: number; body: unknown };
  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/version$/, () => ({ body: METAFLOW_METADATA_SERVICE_VERSION })],
    ['GET', /^\/flows$/, () => ({ body: [...flows.values()] })],
    [
      'POST',
      /^\/flows\/([^/]+)$/,
      ([flow], body) => {
        if (flows.has(flow)) throw exists(`flow ${flow}`);
        const row = { flow_id: flow, ...common((body as Row) ?? {}) };
        flows.set(flow, row);
        return { body: row };
      },
    ],
    [
      'GET',
      /^\/flows\/([^/]+)$/,
      ([flow]) => ({ body: found(flows, flow, 'flow') }),
    ],
    [
      'POST',
      /^\/flows\/([^/]+)\/run$/,
      ([flow], raw) => {
        found(flows, flow, 'flow');
        const body = (raw as Row) ?? {};
        const runId = body.run_number ? String(body.run_number) : undefined;
        if (runId && runs.has(`${flow}/${runId}`)) throw exists(`run ${runId}`);
        const number = ++runSerial;
        const row = {
          flow_id: flow,
          run_number: runId ?? number,
          ...common(body),
          last_heartbeat_ts: null,
        };
        runs.set(`${flow}/${row.run_number}`, row);
        return { body: row };
      },
    ],
    [
      'GET',
      /^\/flows\/([^/]+)\/runs$/,
      ([flow]) => ({
        body: [...runs.values()].filter(r => r.flow_id === flow),
      }),
    ],
    [
      'GET',
      /^\/flows\/([^/]+)\/runs\/([^/]+)$/,
      ([flow, run]) => ({ body: found(runs, runKey(flow, run), 'run') }),
    ],
    [
      'POST',
      /^\/flows\/([^/]+)\/runs\/([^/]+)\/heartbeat$/,
      ([flow, run]) => {
        const r = found(runs, runKey(flow, run), 'run');
        r.last_heartbeat_ts = Math.floor(now() / 1000);
        return { body: { wait_time_in_seconds: 10 } };
      },
    ],
    [
      'PATCH',
      /^\/flows\/([^/]+)\/runs\/([^/]+)\/tag\/mutate$/,
      ([flow, run], raw) => {
        const r = found(runs, runKey(flow, run), 'run');
        const body = (raw as Row) ?? {};
        const tags = new Set(r.tags as string[]);
        for (const t of (body.tags_to_add as string[]) ?? []) tags.add(t);
        for (const t of (body.tags_to_remove as string[]) ?? []) tags.delete(t);
        r.tags = [...tags];
        return { body: r };
      },
    ],
    [
      'POST',
      /^\/flows\/([^/]+)\/runs\/([^/]+)\/steps\/([^/]+)\/step$/,
      ([flow, run, step], body) => {
        const r = found(runs, runKey(flow, run), 'run');
        const key = `${flow}/${r.run_number}/${step}`;
        if (steps.has(key)) throw exists(`step ${step}`);
        const row = {
          flow_id: flow,
          run_number: r.run_number,
          step_name: step,
          ...common((body as Row) ?? {}),
        };
        steps.set(key, row);
        return { body: row };
      },
    ],
    [
      'GET',
      /^\/flows\/([^/]+)\/runs\/([^/]+)\/steps$/,
      ([flow, run]) => {
        const r = found(runs, runKey(flow, run), 'run');
        return {
          body: [...steps.values()].filter(
            s => s.flow_id === flow && s.run_number === r.run_number,
          ),
        };
      },
    ],
    [
      'GET',
      /^\/flows\/([^/]+)\/runs\/([^/]+)\/steps\/([^/]+)$/,
      ([flow, run, step]) => {
        const r = found(runs, runKey(flow, run), 'run');
        return {
          body: found(steps, `${flow}/${r.run_number}/${step}`, 'step'),
        };
      },
    ],
    [
      'POST',
      /^\/flows\/([^/]+)\/runs\/([^/]+)\/steps\/([^/]+)\/task$/,
      ([flow, run, step], raw) => {
        const r = found(runs, runKey(flow, run), 'run');
        const stepKey = `${flow}/${r.run_number}/${step}`;
        found(steps, stepKey, 'step');
        const body = (raw as Row) ?? {};
        const name = body.task_id ? String(body.task_id) : undefined;
        if (name && tasks.has(`${stepKey}/${name}`))
          throw exists(`task ${name}`);
        const number = ++taskSerial;
        const row: Task = {
          flow_id: flow,
          run_number: r.run_number,
          step_name: step,
          task_id: name ?? number,
          ...common(body),
          last_heartbeat_ts: null,
          artifacts: [],
          metadata: [],
        };
        tasks.set(`${stepKey}/${row.task_id}`, row);
        return { body: taskRow(row) };
      },
    ],
    [
      'GET',
      /^\/flows\/([^/]+)\/runs\/([^/]+)\/steps\/([^/]+)\/tasks$/,
      ([flow, run, step]) => {
        const r = found(runs, runKey(flow, run), 'run');
        const stepKey = `${flow}/${r.run_number}/${step}`;
        return {
          body: [...tasks.entries()]
            .filter(([k]) => k.startsWith(`${stepKey}/`))
            .map(([, t]) => taskRow(t)),
        };
      },
    ],
    ...taskRoutes(),
  ];

  /** A task's own routes: itself, its heartbeat, its artifacts and its metadata. */
  function taskRoutes(): Array<[string, RegExp, Handler]> {
    const TASK =
      '^\\/flows\\/([^/]+)\\/runs\\/([^/]+)\\/steps\\/([^/]+)\\/tasks\\/([^/]+)';
    const task = ([flow, run, step, id]: string[]) => {
      const r = found(runs, runKey(flow, run), 'run');
      const stepKey = `${flow}/${r.run_number}/${step}`;
      return found(tasks, taskKey(stepKey, id), 'task');
    };
    const attempt = (row: Row) => Number(row.attempt_id ?? 0);
    /** A task's newest artifact of each name, of one attempt or of the latest. */
    const artifactsOf = (t: Task, which?: number) => {
      const latest = Math.max(-1, ...t.artifacts.map(attempt));
      const wanted = which ?? latest;
      return t.artifacts.filter(a => attempt(a) === wanted);
    };
    const scoped = (t: Task, row: Row) => ({
      flow_id: t.flow_id,
      run_number: t.run_number,
      step_name: t.step_name,
      task_id: t.task_id,
      ...row,
      ...common(row),
    });
    return [
      ['GET', new RegExp(`${TASK}$`), m => ({ body: taskRow(task(m)) })],
      [
        'POST',
        new RegExp(`${TASK}\\/heartbeat$`),
        m => {
          task(m).last_heartbeat_ts = Math.floor(now() / 1000);
          return { body: { wait_time_in_seconds: 10 } };
        },
      ],
      [
        'POST',
        new RegExp(`${TASK}\\/artifact$`),
        (m, body) => {
          const t = task(m);
          const rows = ((body as Row[]) ?? []).map(a => scoped(t, a));
          t.artifacts.push(...rows);
          return { body: rows };
        },
      ],
      [
        'GET',
        new RegExp(`${TASK}\\/artifacts$`),
        m => ({ body: artifactsOf(task(m)) }),
      ],
      [
        'GET',
        new RegExp(`${TASK}\\/attempt\\/(\\d+)\\/artifacts$`),
        m => ({ body: artifactsOf(task(m), Number(m[4])) }),
      ],
      [
        'GET',
        new RegExp(`${TASK}\\/artifacts\\/([^/]+)$`),
        m => {
          const a = artifactsOf(task(m)).find(x => x.name === m[4]);
          if (!a) throw new HttpError(404, 'NotFound', 'artifact not found');
          return { body: a };
        },
      ],
      [
        'POST',
        new RegExp(`${TASK}\\/metadata$`),
        (m, body) => {
          const t = task(m);
          const rows = ((body as Row[]) ?? []).map(x => ({
            id: ++metadataSerial,
            ...scoped(t, x),
          }));
          t.metadata.push(...rows);
          return { body: rows };
        },
      ],
      [
        'GET',
        new RegExp(`${TASK}\\/metadata$`),
        m => ({ body: task(m).metadata }),
      ],
    ];
  }

  const server: Server = createServer(async (req, res) => {
    const path =
      new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '') || '/';
    let status = 200;
    try {
      if (req.method === 'GET' && path === '/ping') {
        res.writeHead(200, {
          'Content-Type': 'text/plain',
          METADATA_SERVICE_VERSION: METAFLOW_METADATA_SERVICE_VERSION,
        });
        res.end('pong');
        return;
      }
      const body =
        req.method === 'POST' || req.method === 'PATCH'
          ? ((await readJson(req)) as Row | Row[] | undefined)
          : undefined;
      for (const [method, re, handle] of routes) {
        const m = re.exec(path);
        if (!m || method !== req.method) continue;
        const out = handle(m.slice(1).map(decodeURIComponent), body);
        status = out.status ?? 200;
        sendJson(res, status, out.body);
        return;
      }
      throw new HttpError(404, 'NotFound', `no route ${req.method} ${path}`);
    } catch (e) {
      const err =
        e instanceof HttpError ? e : new HttpError(500, 'Internal', String(e));
      status = err.status;
      res.writeHead(err.status, { 'Content-Type': 'text/plain' });
      res.end(err.message);
    } finally {
      calls.push({ method: req.method ?? '', path, status, at: Date.now() });
    }
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    tasks: flow =>
      [...tasks.values()]
        .filter(t => t.flow_id === flow)
        .map(t => `${t.run_number}/${t.step_name}/${t.task_id}`),
    close: () =>
      new Promise<void>(r => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
