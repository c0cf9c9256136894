import { Agent, request, type RequestOptions } from 'node:https';
import type { Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import { type Answer, Http2Channel } from './http2Channel';

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
 * A small HTTPS client for one cluster: the status backend needs Table lists and watches with their own Accept
 * header, which the generated client does not offer.
 *
 * Requests share one HTTP/2 connection where the API server offers HTTP/2 (as client-go does): a cold view's dozen
 * requests then cost one TLS handshake, not one each. A server (or a proxy in front of it) that only speaks
 * HTTP/1.1 gets a bounded pool of keep-alive connections instead. Watches, which hold theirs for minutes, always
 * have a pool of their own, so a request never waits behind them.
 */
export class KubeHttp {
  private readonly http2: Http2Channel;
  /** The server URL's path (a proxy's, such as Rancher's `/k8s/clusters/c-…`), put before every request path. */
  private readonly prefix: string;

  private constructor(
    private readonly server: URL,
    tls: ConnectionOptions,
    private readonly agent: Agent,
    private readonly watchAgent: Agent,
    private readonly headers: Record<string, string>,
    maxRequests: number,
  ) {
    this.http2 = new Http2Channel(server, tls, maxRequests);
    this.prefix = server.pathname.replace(/\/+$/, '');
  }

  /**
   * A client on one HTTP/2 connection for requests (or, where the server has no HTTP/2, a pool of keep-alive
   * connections), at most `requests` of them in flight (default 16), and a pool of `watchSockets` (default 50) for
   * watches: the connections to one API server, and what is asked of it at once, stay bounded however many
   * namespaces are followed and viewed.
   */
  static async create(
    kc: KubeConfig,
    pools: { requests?: number; watchSockets?: number } = {},
  ): Promise<KubeHttp> {
    const requests = pools.requests ?? 16;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const opts: RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (typeof v === 'string') headers[k.toLowerCase()] = v;
    }
    if (opts.auth) {
      headers.authorization = `Basic ${Buffer.from(opts.auth).toString(
        'base64',
      )}`;
    }
    const tls: ConnectionOptions = {
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      rejectUnauthorized: opts.rejectUnauthorized,
      servername: opts.servername,
    };
    const agent = new Agent({
      keepAlive: true,
      maxSockets: requests,
      ...tls,
    });
    const watchAgent = new Agent({
      keepAlive: true,
      maxSockets: pools.watchSockets ?? 50,
      ...tls,
    });
    return new KubeHttp(
      new URL(cluster.server),
      tls,
      agent,
      watchAgent,
      headers,
      requests,
    );
  }

  /** GET a path and parse its JSON body; non-2xx answers throw a {@link KubeRequestError}. */
  async get<T>(
    path: string,
    options: { accept?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    const { status, body } = await this.open(path, options);
    const text = await readBody(body);
    if (status >= 300) throw errorFrom(status, text, path);
    return JSON.parse(text) as T;
  }

  /** GET a path as text, at most `maxBytes` of it (the rest is dropped); non-2xx answers throw. */
  async text(
    path: string,
    options: { accept?: string; signal?: AbortSignal; maxBytes: number },
  ): Promise<string> {
    const { status, body } = await this.open(path, options);
    const text = await readBody(body, options.maxBytes);
    if (status >= 300) throw errorFrom(status, text, path);
    return text;
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
    const { status, body } = await this.openHttp1(
      path,
      options,
      this.watchAgent,
    );
    if (status >= 300) throw errorFrom(status, await readBody(body), path);
    body.setEncoding('utf8');
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      body.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) {
            try {
              onEvent(JSON.parse(line));
            } catch (error) {
              body.destroy();
              reject(error);
              return;
            }
          }
          newline = buffer.indexOf('\n');
        }
      });
      body.on('end', () => resolve());
      body.on('close', () => resolve());
      body.on('error', reject);
    });
  }

  /** Open connections to the API server: requests (the HTTP/2 one, or the HTTP/1.1 pool) and watches. */
  sockets(): { requests: number; watches: number } {
    const count = (agent: Agent) =>
      Object.values(agent.sockets).reduce((n, s) => n + (s?.length ?? 0), 0) +
      Object.values(agent.freeSockets).reduce(
        (n, s) => n + (s?.length ?? 0),
        0,
      );
    return {
      requests: count(this.agent) + (this.http2.open ? 1 : 0),
      watches: count(this.watchAgent),
    };
  }

  close() {
    this.http2.close();
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  /** A request over the HTTP/2 connection where the server offers HTTP/2, else over the HTTP/1.1 pool. */
  private async open(
    path: string,
    options: { accept?: string; signal?: AbortSignal },
  ): Promise<Answer> {
    const answer = await this.http2.get(
      this.prefix + path,
      { ...this.headers, accept: options.accept ?? 'application/json' },
      options.signal,
    );
    return answer ?? this.openHttp1(path, options, this.agent);
  }

  private openHttp1(
    path: string,
    options: { accept?: string; signal?: AbortSignal },
    agent: Agent,
  ): Promise<Answer> {
    const url = new URL(this.prefix + path, this.server.origin);
    return new Promise((resolve, reject) => {
      const req = request(url, {
        agent,
        method: 'GET',
        headers: {
          ...this.headers,
          accept: options.accept ?? 'application/json',
        },
        signal: options.signal,
      });
      req.on('response', res =>
        resolve({ status: res.statusCode ?? 0, body: res }),
      );
      req.on('error', reject);
      req.end();
    });
  }
}

function readBody(body: Readable, maxBytes = Infinity): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    body.on('data', (c: Buffer) => {
      chunks.push(c.subarray(0, Math.max(maxBytes - size, 0)));
      size += c.length;
      if (size >= maxBytes) {
        body.destroy();
        done();
      }
    });
    body.on('end', done);
    body.on('error', reject);
    // After 'end' this changes nothing; before it, the connection went away mid-answer.
    body.on('close', () =>
      reject(new Error('The connection closed before the whole answer came')),
    );
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
