// Backstage backend replicas as a real portal runs them: the same backend (packages/backend) started several times
// as separate processes on the same PostgreSQL and Redis, behind a round-robin load balancer. A replica can be
// killed the way a node loses a pod (SIGKILL to its whole process group: the backend and every helm or tofu child it
// started) and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type Server,
} from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

const REPO_ROOT = resolvePackagePath('@internal/testenv', '../..');
const NODE_TRANSFORM = join(
  REPO_ROOT,
  'node_modules/@backstage/cli/config/nodeTransform.cjs',
);

export interface Replica {
  readonly index: number;
  /** The replica's own address, bypassing the load balancer. */
  readonly url: string;
  readonly logFile: string;
  /** Whether its process is running. */
  running(): boolean;
}

export interface ReplicaSet {
  /** The load balancer's address: what users and `backend.baseUrl` use. */
  readonly url: string;
  readonly replicas: Replica[];
  /** Requests the load balancer sent to each replica. */
  readonly forwarded: number[];
  /** Starts replica `index` (again) and resolves once it reports ready. */
  start(index: number): Promise<void>;
  /** SIGKILL to the replica's process group, as when its pod is lost. Resolves once every process is gone. */
  kill(index: number): Promise<void>;
  /** Stops every replica (SIGTERM, then SIGKILL) and the load balancer. */
  close(): Promise<void>;
}

export interface ReplicaSetOptions {
  count: number;
  /**
   * The config files of every replica, given the load balancer's URL and the replica's own port (each listens on
   * its own, `backend.baseUrl` is the load balancer).
   */
  configFiles: (lb: { url: string; port: number; index: number }) => string[];
  /** Folder for each replica's log (`replica-<n>.log`, appended across restarts). */
  logDir: string;
  env?: Record<string, string>;
  /** How long a start may take before it fails. Default 180 s. */
  readyTimeoutMs?: number;
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

function alive(child: ChildProcess | undefined) {
  return !!child && child.exitCode === null && child.signalCode === null;
}

async function ready(url: string) {
  try {
    const res = await fetch(`${url}/.backstage/health/v1/readiness`, {
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding'];

/**
 * Starts the load balancer, then `count` replicas of packages/backend behind it. The load balancer takes the
 * replicas in turn and, like a real one's health check, passes over a replica that refuses connections (the
 * request is retried on the next one: request bodies are buffered for that).
 */
export async function startBackendReplicas(
  options: ReplicaSetOptions,
): Promise<ReplicaSet> {
  const ports = await Promise.all(
    Array.from({ length: options.count }, () => freePort()),
  );
  const children: Array<ChildProcess | undefined> = [];
  const forwarded = ports.map(() => 0);
  let next = 0;

  const forward = (
    target: number,
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ) =>
    new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port: ports[target],
          method,
          path,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        resolve,
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const lb: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers };
      delete headers['transfer-encoding'];
      for (let tried = 0; tried < ports.length; tried++) {
        const target = next++ % ports.length;
        if (!alive(children[target])) continue;
        try {
          const up = await forward(
            target,
            req.method ?? 'GET',
            req.url ?? '/',
            headers,
            body,
          );
          forwarded[target]++;
          const out = { ...up.headers };
          for (const h of HOP_BY_HOP) delete out[h];
          res.writeHead(up.statusCode ?? 502, out);
          up.pipe(res);
          res.on('close', () => up.destroy());
          return;
        } catch {
          // Refused or reset before an answer: the next replica.
        }
      }
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('no replica answered');
    });
  });
  await new Promise<void>(resolve => lb.listen(0, '127.0.0.1', resolve));
  const lbUrl = `http://127.0.0.1:${(lb.address() as AddressInfo).port}`;

  const replicas: Replica[] = ports.map((port, index) => ({
    index,
    url: `http://127.0.0.1:${port}`,
    logFile: join(options.logDir, `replica-${index}.log`),
    running: () => alive(children[index]),
  }));

  const start = async (index: number) => {
    if (alive(children[index])) return;
    const replica = replicas[index];
    const log = createWriteStream(replica.logFile, { flags: 'a' });
    const configs = options.configFiles({
      url: lbUrl,
      port: ports[index],
      index,
    });
    const child = spawn(
      process.execPath,
      [
        '--require',
        NODE_TRANSFORM,
        'src/index.ts',
        ...configs.flatMap(c => ['--config', c]),
      ],
      {
        cwd: join(REPO_ROOT, 'packages/backend'),
        // Its own process group, so that a kill takes its children (helm, tofu) with it, as a pod's end does.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FORCE_COLOR: '0', ...options.env },
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    children[index] = child;
    const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
    while (!(await ready(replica.url))) {
      if (!alive(child))
        throw new Error(
          `replica ${index} exited (${
            child.exitCode ?? child.signalCode
          }); see ${replica.logFile}`,
        );
      if (Date.now() > deadline) {
        throw new Error(
          `replica ${index} was not ready in time; see ${replica.logFile}`,
        );
      }
      await new Promise(r => setTimeout(r, 500));
    }
  };

  const signalGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is gone already.
    }
  };

  const groupGone = (pid: number) => {
    try {
      process.kill(-pid, 0);
      return false;
    } catch {
      return true;
    }
  };

  const kill = async (index: number) => {
    const child = children[index];
    if (!child?.pid) return;
    signalGroup(child, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while ((alive(child) || !groupGone(child.pid)) && Date.now() < deadline)
      await new Promise(r => setTimeout(r, 50));
  };

  const close = async () => {
    await Promise.all(
      children.map(async child => {
        if (!child?.pid || !alive(child)) return;
        signalGroup(child, 'SIGTERM');
        const deadline = Date.now() + 15_000;
        while (alive(child) && Date.now() < deadline)
          await new Promise(r => setTimeout(r, 100));
        signalGroup(child, 'SIGKILL');
      }),
    );
    lb.closeAllConnections();
    await new Promise(resolve => lb.close(resolve));
  };

  try {
    // One after the other, as a rolling deployment brings up new pods: Backstage's migrations race when several
    // processes first start on empty databases (knex's lock table is itself created without a lock).
    for (const replica of replicas) await start(replica.index);
  } catch (error) {
    await close();
    throw error;
  }
  return { url: lbUrl, replicas, forwarded, start, kill, close };
}
