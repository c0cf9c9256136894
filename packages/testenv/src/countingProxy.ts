// An HTTPS reverse proxy that counts the requests passing through it, for measuring how many upstream requests a
// page view costs. It terminates TLS with the environment's test certificate and forwards to the target over TLS.
// Like the API server it offers HTTP/2 and HTTP/1.1 (ALPN), unless told to speak HTTP/1.1 only.
import { readFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { Agent, request } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { requireEnv, testEnv } from './env';

export interface CountedRequest {
  method: string;
  path: string;
  /** When it reached the proxy and when its answer was fully sent (`performance.now()` ms). */
  started: number;
  ended?: number;
}

export interface CountingProxy {
  url: string;
  /** PEM of the CA that signed the proxy's certificate (for a kubeconfig's caData). */
  caPem: string;
  requests: CountedRequest[];
  /** Client connections open now, the most open at once and how many were opened since the last reset. */
  connections: { open: number; peak: number; opened: number };
  reset(): void;
  /** Closes the clients' connections, as a server going away does (the proxy keeps listening). */
  closeConnections(): void;
  close(): Promise<void>;
}

/** Headers of one connection (HTTP/1.1), which HTTP/2 forbids and a proxy does not forward. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'host',
]);

function forwardable(headers: Record<string, string | string[] | undefined>) {
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !name.startsWith(':') && !HOP_BY_HOP.has(name),
    ),
  );
}

export async function startCountingProxy(options: {
  target: string;
  targetCaFile: string;
  /** False: offer HTTP/1.1 only, as some proxies in front of API servers do. Default true. */
  http2?: boolean;
  /** A path the proxy is reached under and strips (a Rancher-style `/k8s/clusters/<id>`), if any. */
  pathPrefix?: string;
}): Promise<CountingProxy> {
  const tls = testEnv.tls();
  const target = new URL(options.target);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 64,
    ca: readFileSync(options.targetCaFile),
  });
  const requests: CountedRequest[] = [];
  const prefix = options.pathPrefix ?? '';
  const server = createSecureServer(
    {
      cert: tls.cert,
      key: tls.key,
      allowHTTP1: true,
      ALPNProtocols:
        options.http2 === false ? ['http/1.1'] : ['h2', 'http/1.1'],
    },
    (req, res) => {
      const url = req.url ?? '/';
      const counted: CountedRequest = {
        method: req.method ?? 'GET',
        path: url,
        started: performance.now(),
      };
      requests.push(counted);
      res.on('finish', () => {
        counted.ended = performance.now();
      });
      if (!url.startsWith(`${prefix}/`)) {
        res.writeHead(404);
        res.end(`not under ${prefix}/`);
        return;
      }
      const upstream = request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: url.slice(prefix.length),
          headers: { ...forwardable(req.headers), host: target.host },
          agent,
        },
        up => {
          res.writeHead(up.statusCode ?? 502, forwardable(up.headers));
          up.pipe(res);
        },
      );
      upstream.on('error', error => {
        if (!res.headersSent) res.writeHead(502);
        res.end(String(error));
      });
      req.pipe(upstream);
      res.on('close', () => upstream.destroy());
    },
  );
  const connections = { open: 0, peak: 0, opened: 0 };
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    connections.open++;
    connections.opened++;
    connections.peak = Math.max(connections.peak, connections.open);
    sockets.add(socket);
    socket.on('close', () => {
      connections.open--;
      sockets.delete(socket);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}${prefix}`,
    caPem: readFileSync(requireEnv('COLLATE_TEST_TLS_CA'), 'utf8'),
    requests,
    connections,
    reset: () => {
      requests.length = 0;
      connections.peak = connections.open;
      connections.opened = 0;
    },
    closeConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
