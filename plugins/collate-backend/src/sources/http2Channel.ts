import {
  connect as connectHttp2,
  constants as http2,
  type ClientHttp2Session,
  type ClientHttp2Stream,
} from 'node:http2';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { abortable } from './abortable';

/** An answer's status and body, over either protocol. */
export interface Answer {
  status: number;
  body: Readable;
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

/**
 * One HTTP/2 connection to an API server, shared by all requests, as client-go's: opened on first use, with the
 * protocol agreed by ALPN, and opened again after the server closed it or told it to go away.
 */
export class Http2Channel {
  /** The connection, once asked for; resolves to undefined when the server speaks only HTTP/1.1. */
  private opening?: Promise<Http2Connection | undefined>;
  /** The connection while it is open. */
  private current?: Http2Connection;
  private closed = false;
  /** Requests in flight (until their body is read), and those waiting for one of them to end. */
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly server: URL,
    private readonly tls: ConnectionOptions,
    /**
     * At most this many requests in flight at once, as the HTTP/1.1 pool has sockets: a cold fleet view asks hundreds
     * of one API server, which answers a steady queue sooner than all of them at once.
     */
    private readonly maxInFlight: number,
  ) {}

  /** Whether a connection is open now. */
  get open(): boolean {
    return this.current !== undefined;
  }

  /**
   * GETs `path` (with the server URL's own path before it) on the connection; undefined when the server speaks only
   * HTTP/1.1. A request the connection went away under before an answer (closed, GOAWAY, a refused stream) is sent
   * once more on a new one: a GET is safe to send again.
   */
  async get(
    path: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Answer | undefined> {
    for (let attempt = 0; ; attempt++) {
      const connection = await this.connection(signal);
      if (!connection) return undefined;
      try {
        await this.slot(signal);
        return await this.stream(connection, path, headers, signal);
      } catch (error) {
        const { session } = connection;
        const again =
          session.closed ||
          session.destroyed ||
          /REFUSED_STREAM/.test((error as Error).message);
        if (attempt > 0 || !again || signal?.aborted) throw error;
      }
    }
  }

  close() {
    this.closed = true;
    this.current?.session.destroy();
    this.opening = undefined;
  }

  private stream(
    connection: Http2Connection,
    path: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Answer> {
    const { session } = connection;
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(
        {
          ...headers,
          [http2.HTTP2_HEADER_METHOD]: 'GET',
          [http2.HTTP2_HEADER_PATH]: path,
        },
        { endStream: true, signal },
      );
    } catch (error) {
      // The session closed under it: no stream, so no 'close' to give its place back.
      this.release();
      throw error;
    }
    if (connection.streams++ === 0) session.ref();
    stream.once('close', () => {
      if (--connection.streams === 0) session.unref();
      this.release();
    });
    return new Promise((resolve, reject) => {
      stream.once('response', answer =>
        resolve({
          status: Number(answer[http2.HTTP2_HEADER_STATUS] ?? 0),
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

  /** Waits for a place among the requests in flight; {@link release} gives it back when the stream closes. */
  private async slot(signal?: AbortSignal): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return;
    }
    let granted: () => void = () => undefined;
    const turn = new Promise<void>(resolve => {
      granted = resolve;
      this.waiting.push(resolve);
    });
    try {
      await (signal ? abortable(turn, signal) : turn);
    } catch (error) {
      // Given up while waiting: its turn, if it came meanwhile, passes on.
      const i = this.waiting.indexOf(granted);
      if (i >= 0) this.waiting.splice(i, 1);
      else this.release();
      throw error;
    }
  }

  /** A request's stream closed: the next waiting one goes (the count stays), or the count drops. */
  private release() {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  /** The connection, opened on first use; undefined when the server speaks only HTTP/1.1. */
  private async connection(
    signal?: AbortSignal,
  ): Promise<Http2Connection | undefined> {
    if (HTTP1_ONLY.has(this.server.origin)) return undefined;
    if (this.closed) throw new Error('Kubernetes client closed');
    if (!this.opening) {
      const opening = this.connect();
      this.opening = opening;
      opening.catch(() => {
        if (this.opening === opening) this.opening = undefined;
      });
    }
    return signal ? abortable(this.opening, signal) : this.opening;
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
        const opened = this.opening;
        // Once it closes or is told to go away, the next request opens a new one; failures reach its requests.
        const forget = () => {
          if (this.current === connection) this.current = undefined;
          if (this.opening === opened) this.opening = undefined;
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
          this.current = connection;
          resolve(connection);
        });
      });
    });
  }
}
