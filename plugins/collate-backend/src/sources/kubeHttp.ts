import { Agent, request, type RequestOptions } from 'node:https';
import {
  connect as connectHttp2,
  constants as http2,
  type ClientHttp2Session,
} from 'node:http2';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
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

/** How long opening a connection to an API server may take. */
const CONNECT_DEADLINE_MS = 15_000;
/**
 * HTTP/2 flow-control windows, per request and for the connection, as client-go's transport sets them: HTTP/2's
 * default of 64 KiB would cost a list of thousands of workflows one round trip per 64 KiB to a distant cluster.
 */
const STREAM_WINDOW = 4 * 1024 * 1024;
const SESSION_WINDOW = 32 * 1024 * 1024;

/**
 * Servers (by origin) that answered ALPN with HTTP/1.1 only: a client made for one view (a user's own token) does not
 * ask again.
 */
const HTTP1_ONLY = new Set<string>();

/** An HTTP/2 session and its requests in flight: it keeps the process alive only while one is. */
interface Http2Connection {
  session: ClientHttp2Session;
  streams: number;
}

/** An answer's status and body, over either protocol. */
interface Answer {
  status: number;
  body: Readable;
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
  /** The HTTP/2 connection, once asked for; resolves to undefined when the server speaks only HTTP/1.1. */
  private http2?: Promise<Http2Connection | undefined>;
  /** The HTTP/2 connection while it is open. */
  private openConnection?: Http2Connection;
  private closed = false;
  /** The server URL's path (a proxy's, such as Rancher's `/k8s/clusters/c-…`), put before every request path. */
  private readonly prefix: string;

  private constructor(
    private readonly server: URL,
    private readonly tls: ConnectionOptions,
    private readonly agent: Agent,
    private readonly watchAgent: Agent,
    private readonly headers: Record<string, string>,
  ) {
    this.prefix = server.pathname.replace(/\/+$/, '');
  }

  /**
   * A client on one HTTP/2 connection for requests (or, where the server has no HTTP/2, a pool of `requestSockets`
   * keep-alive connections, default 16) and a pool of `watchSockets` (default 50) for watches: the connections to
   * one API server stay bounded however many namespaces are followed.
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
      maxSockets: pools.requestSockets ?? 16,
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
      requests: count(this.agent) + (this.openConnection ? 1 : 0),
      watches: count(this.watchAgent),
    };
  }

  close() {
    this.closed = true;
    this.openConnection?.session.destroy();
    this.http2 = undefined;
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  /** A request over HTTP/2 where the server offers it; one retry when the connection went away under it. */
  private async open(
    path: string,
    options: { accept?: string; signal?: AbortSignal },
  ): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      const connection = await this.connection(options.signal);
      if (!connection) return this.openHttp1(path, options, this.agent);
      try {
        return await this.openStream(connection, path, options);
      } catch (error) {
        // A GET is safe to send again when the connection closed (GOAWAY, reset) or the server refused the stream.
        const { session } = connection;
        const again =
          session.closed ||
          session.destroyed ||
          /REFUSED_STREAM/.test((error as Error).message);
        if (attempt > 0 || !again || options.signal?.aborted) throw error;
      }
    }
  }

  private openStream(
    connection: Http2Connection,
    path: string,
    options: { accept?: string; signal?: AbortSignal },
  ): Promise<Answer> {
    const { session } = connection;
    const stream = session.request(
      {
        ...this.headers,
        [http2.HTTP2_HEADER_METHOD]: 'GET',
        [http2.HTTP2_HEADER_PATH]: this.prefix + path,
        accept: options.accept ?? 'application/json',
      },
      { endStream: true, signal: options.signal },
    );
    if (connection.streams++ === 0) session.ref();
    stream.once('close', () => {
      if (--connection.streams === 0) session.unref();
    });
    return new Promise((resolve, reject) => {
      stream.once('response', headers =>
        resolve({
          status: Number(headers[http2.HTTP2_HEADER_STATUS] ?? 0),
          body: stream,
        }),
      );
      stream.once('error', reject);
      // Closed without an answer or an error: the connection went away under it.
      stream.once('close', () =>
        reject(
          new Error(
            `${this.server.host} closed the connection before answering ${
              path.split('?')[0]
            }`,
          ),
        ),
      );
    });
  }

  /** The HTTP/2 connection, opened on first use; undefined when the server speaks only HTTP/1.1. */
  private async connection(
    signal?: AbortSignal,
  ): Promise<Http2Connection | undefined> {
    if (HTTP1_ONLY.has(this.server.origin)) return undefined;
    if (this.closed) throw new Error('Kubernetes client closed');
    if (!this.http2) {
      const opening = this.connect();
      this.http2 = opening;
      opening.catch(() => {
        if (this.http2 === opening) this.http2 = undefined;
      });
    }
    return abortable(this.http2, signal);
  }

  /** Negotiates the protocol (ALPN) on a new TLS connection; HTTP/2 if the server offers it. */
  private connect(): Promise<Http2Connection | undefined> {
    const host = this.server.hostname.replace(/^\[|\]$/g, '');
    return new Promise((resolve, reject) => {
      const socket = connectTls({
        ...this.tls,
        host,
        port: Number(this.server.port || 443),
        servername: this.tls.servername ?? (isIP(host) ? undefined : host),
        ALPNProtocols: ['h2', 'http/1.1'],
      });
      const deadline = setTimeout(() => {
        socket.destroy(
          new Error(
            `Connecting to ${this.server.host} took over ${
              CONNECT_DEADLINE_MS / 1000
            } s`,
          ),
        );
      }, CONNECT_DEADLINE_MS);
      const failed = (error: Error) => {
        clearTimeout(deadline);
        reject(error);
      };
      socket.once('error', failed);
      socket.once('secureConnect', () => {
        if (this.closed) {
          socket.destroy(new Error('Kubernetes client closed'));
          return;
        }
        if (socket.alpnProtocol !== 'h2') {
          clearTimeout(deadline);
          HTTP1_ONLY.add(this.server.origin);
          socket.destroy();
          resolve(undefined);
          return;
        }
        const session = connectHttp2(this.server.origin, {
          createConnection: () => socket,
          settings: { initialWindowSize: STREAM_WINDOW },
        });
        const connection: Http2Connection = { session, streams: 0 };
        const opened = this.http2;
        // Once it closes or is told to go away, the next request opens a new one; failures reach its requests.
        const forget = () => {
          if (this.openConnection === connection) {
            this.openConnection = undefined;
          }
          if (this.http2 === opened) this.http2 = undefined;
        };
        session.once('close', forget);
        session.once('goaway', forget);
        session.on('error', forget);
        session.once('error', failed);
        const closedEarly = () =>
          failed(new Error(`${this.server.host} closed the connection`));
        session.once('close', closedEarly);
        // In use once the server's settings are known: past its limit of concurrent streams, requests then wait for
        // one to end instead of being refused.
        session.once('remoteSettings', () => {
          clearTimeout(deadline);
          session.off('error', failed);
          session.off('close', closedEarly);
          if (this.closed) {
            session.destroy();
            reject(new Error('Kubernetes client closed'));
            return;
          }
          session.setLocalWindowSize(SESSION_WINDOW);
          // Idle, the connection does not keep the process alive.
          session.unref();
          this.openConnection = connection;
          resolve(connection);
        });
      });
    });
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

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
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
