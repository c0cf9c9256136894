// An HTTPS reverse proxy that counts the requests passing through it, for measuring how many upstream requests a
// page view costs. It terminates TLS with the environment's test certificate and forwards to the target over TLS.
import { readFileSync } from 'node:fs';
import { createServer, Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';
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
  /** Client connections open now, and the most open at once since the last reset. */
  connections: { open: number; peak: number };
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(options: {
  target: string;
  targetCaFile: string;
}): Promise<CountingProxy> {
  const tls = testEnv.tls();
  const target = new URL(options.target);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 64,
    ca: readFileSync(options.targetCaFile),
  });
  const requests: CountedRequest[] = [];
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const counted: CountedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      started: performance.now(),
    };
    requests.push(counted);
    res.on('finish', () => {
      counted.ended = performance.now();
    });
    const upstream = request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      up => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', error => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
    res.on('close', () => upstream.destroy());
  });
  const connections = { open: 0, peak: 0 };
  server.on('secureConnection', socket => {
    connections.open++;
    connections.peak = Math.max(connections.peak, connections.open);
    socket.on('close', () => connections.open--);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem: readFileSync(requireEnv('COLLATE_TEST_TLS_CA'), 'utf8'),
    requests,
    connections,
    reset: () => {
      requests.length = 0;
      connections.peak = connections.open;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
