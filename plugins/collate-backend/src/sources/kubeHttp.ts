import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

/** Accept header for the API server's Table rendering (the printer columns of `kubectl get`), lists and watches. */
export const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** A failed request to the Kubernetes API, with the API server's status code and message. */
export class KubeRequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'KubeRequestError';
  }
}

/**
 * A small HTTPS client for one cluster, on a keep-alive agent: the status backend needs Table lists and watches with
 * their own Accept header, which the generated client does not offer.
 */
export class KubeHttp {
  private constructor(
    private readonly server: URL,
    private readonly agent: Agent,
    private readonly watchAgent: Agent,
    private readonly headers: Record<string, string>,
  ) {}

  /**
   * A client on two bounded pools of keep-alive connections: `requestSockets` (default 16) for requests, and
   * `watchSockets` (default 50) for watches, which hold theirs for minutes: a request never queues behind watches,
   * and the connections to one API server stay bounded however many namespaces are followed.
   */
  static async create(
    kc: KubeConfig,
    pools: { requestSockets?: number; watchSockets?: number } = {},
  ): Promise<KubeHttp> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const opts: RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (typeof v === 'string') headers[k] = v;
    }
    if (opts.auth) {
      headers.Authorization = `Basic ${Buffer.from(opts.auth).toString(
        'base64',
      )}`;
    }
    const tls = {
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      rejectUnauthorized: opts.rejectUnauthorized,
      servername: opts.servername,
    };
    const agent = new Agent({
      keepAlive: true,
      maxSockets: pools.requestSockets ?? 16,
      ...tls,
    });
    const watchAgent = new Agent({
      keepAlive: true,
      maxSockets: pools.watchSockets ?? 50,
      ...tls,
    });
    return new KubeHttp(new URL(cluster.server), agent, watchAgent, headers);
  }

  /** GET a path and parse its JSON body; non-2xx answers throw a {@link KubeRequestError}. */
  async get<T>(
    path: string,
    options: { accept?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    const res = await this.open(path, options);
    const body = await readBody(res);
    if ((res.statusCode ?? 0) >= 300) {
      throw errorFrom(res.statusCode ?? 0, body, path);
    }
    return JSON.parse(body) as T;
  }

  /** GET a path as text, at most `maxBytes` of it (the rest is dropped); non-2xx answers throw. */
  async text(
    path: string,
    options: { accept?: string; signal?: AbortSignal; maxBytes: number },
  ): Promise<string> {
    const res = await this.open(path, options);
    const body = await readBody(res, options.maxBytes);
    if ((res.statusCode ?? 0) >= 300) {
      throw errorFrom(res.statusCode ?? 0, body, path);
    }
    return body;
  }

  /**
   * Opens a watch and calls `onEvent` for each event line until the stream ends or `signal` aborts.
   * Resolves when the server closes the stream (watches are closed after a timeout).
   */
  async watch<T>(
    path: string,
    onEvent: (event: { type: string; object: T }) => void,
    options: { accept?: string; signal?: AbortSignal } = {},
  ): Promise<void> {
    const res = await this.open(path, options, this.watchAgent);
    if ((res.statusCode ?? 0) >= 300) {
      throw errorFrom(res.statusCode ?? 0, await readBody(res), path);
    }
    res.setEncoding('utf8');
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) {
            try {
              onEvent(JSON.parse(line));
            } catch (error) {
              res.destroy();
              reject(error);
              return;
            }
          }
          newline = buffer.indexOf('\n');
        }
      });
      res.on('end', () => resolve());
      res.on('close', () => resolve());
      res.on('error', reject);
    });
  }

  /** Open connections to the API server: requests and watches. */
  sockets(): { requests: number; watches: number } {
    const count = (agent: Agent) =>
      Object.values(agent.sockets).reduce((n, s) => n + (s?.length ?? 0), 0) +
      Object.values(agent.freeSockets).reduce(
        (n, s) => n + (s?.length ?? 0),
        0,
      );
    return { requests: count(this.agent), watches: count(this.watchAgent) };
  }

  close() {
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  private open(
    path: string,
    options: { accept?: string; signal?: AbortSignal },
    agent: Agent = this.agent,
  ): Promise<IncomingMessage> {
    const url = new URL(path, this.server);
    return new Promise((resolve, reject) => {
      const req = request(url, {
        agent,
        method: 'GET',
        headers: {
          ...this.headers,
          Accept: options.accept ?? 'application/json',
        },
        signal: options.signal,
      });
      req.on('response', resolve);
      req.on('error', reject);
      req.end();
    });
  }
}

function readBody(res: IncomingMessage, maxBytes = Infinity): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    res.on('data', (c: Buffer) => {
      chunks.push(c.subarray(0, Math.max(maxBytes - size, 0)));
      size += c.length;
      if (size >= maxBytes) {
        res.destroy();
        done();
      }
    });
    res.on('end', done);
    res.on('error', reject);
  });
}

function errorFrom(status: number, body: string, path: string) {
  let message = body.slice(0, 300);
  try {
    message = JSON.parse(body).message ?? message;
  } catch {
    // not a Status object
  }
  return new KubeRequestError(
    status,
    `Kubernetes API ${status} for ${path.split('?')[0]}: ${message}`,
  );
}
