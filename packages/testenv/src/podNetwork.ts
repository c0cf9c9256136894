// The pod network of the local control plane. KWOK pods have an IP but no process behind it, and the API server's
// pod and service proxies refuse loopback endpoints. The API server is therefore started with an egress selector
// (`cluster` → HTTP CONNECT over a Unix socket) that sends every connection it opens into the cluster here: to a
// pod IP for `pods/{name}:{port}/proxy` and `services/{name}:{port}/proxy`, to a node for kubelet calls.
//
// For a CONNECT to `<pod IP>:<port>`, this finds the pod by IP and answers as the container would, for the
// containers it simulates:
//   - the Collate Hybrid Ingestion Runner (`app.kubernetes.io/name=hybrid-ingestion-runner`), port `metrics-app`
//     (8989): `GET /metrics` in Prometheus text with the gauge `collate_hybrid_agent_connected`, 1 while the runner
//     holds its channel to Collate. The runner's channel is a private websocket (SERVER_URL); here it is one request
//     per scrape to the Collate contract server named by the pod's own SERVER_HOST_API_URL, with the pod's AGENT_ID
//     and AUTH_TOKEN (read from its Secret as the kubelet would): `GET /__runner-channel/{agentId}` (see
//     contract/collate.ts). So the gauge follows what the test set on that server (connectRunner/disconnectRunner)
//     and whether the runner's token is accepted.
// Anything else is refused as a closed port would be (502 to the CONNECT), which the API server reports as a proxy
// error, as it would for a pod whose container does not listen.
//   node --require @backstage/cli/config/nodeTransform.cjs packages/testenv/src/bin/pod-network.ts <socket> <kubeconfig>
import {
  createServer as createHttpServer,
  type IncomingMessage,
} from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import {
  CoreV1Api,
  KubeConfig,
  type V1Container,
  type V1Pod,
} from '@kubernetes/client-node';

export const RUNNER_METRICS_PORT = 8989;

interface Simulated {
  pod: V1Pod;
  container: V1Container;
  port: number;
}

export interface PodNetwork {
  close(): Promise<void>;
}

/** Listens for the API server's CONNECT requests on a Unix socket. */
export async function startPodNetwork(options: {
  socketPath: string;
  kubeconfigPath: string;
  log?: (line: string) => void;
}): Promise<PodNetwork> {
  const log = options.log ?? (() => {});
  const kc = new KubeConfig();
  kc.loadFromFile(options.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);

  // Pod IPs are unique while KWOK runs (kubernetes.sh gives it a new range per start); should two pods still share
  // one, the newest running pod with a container on the port answers.
  const podsByIp = async (ip: string) => {
    const list = await core.listPodForAllNamespaces({
      fieldSelector: `status.podIP=${ip},status.phase=Running`,
    });
    return list.items.sort(
      (a, b) =>
        (b.metadata?.creationTimestamp?.getTime() ?? 0) -
        (a.metadata?.creationTimestamp?.getTime() ?? 0),
    );
  };

  const envOf = async (pod: V1Pod, container: V1Container) => {
    const out: Record<string, string> = {};
    for (const e of container.env ?? []) {
      if (e.value !== undefined) out[e.name] = e.value;
      const ref = e.valueFrom?.secretKeyRef;
      if (ref?.name && ref.key) {
        const secret = await core
          .readNamespacedSecret({
            name: ref.name,
            namespace: pod.metadata!.namespace!,
          })
          .catch(() => undefined);
        const data = secret?.data?.[ref.key];
        if (data !== undefined)
          out[e.name] = Buffer.from(data, 'base64').toString('utf8');
      }
    }
    return out;
  };

  /** The runner's `/metrics`: its connection to Collate, as it would report it. */
  const runnerMetrics = async (target: Simulated) => {
    const env = await envOf(target.pod, target.container);
    let connected = 0;
    if (env.SERVER_HOST_API_URL && env.AGENT_ID) {
      const base = env.SERVER_HOST_API_URL.replace(/\/api\/?$/, '');
      const res = await fetch(
        `${base}/__runner-channel/${encodeURIComponent(env.AGENT_ID)}`,
        {
          headers: { Authorization: `Bearer ${env.AUTH_TOKEN ?? ''}` },
          signal: AbortSignal.timeout(2_000),
        },
      ).catch(() => undefined);
      connected = res?.ok ? 1 : 0;
      await res?.body?.cancel();
    }
    return [
      '# HELP collate_hybrid_agent_connected Whether the hybrid agent is connected to the Collate server (1) or not (0).',
      '# TYPE collate_hybrid_agent_connected gauge',
      `collate_hybrid_agent_connected ${connected}`,
      '',
    ].join('\n');
  };

  // One HTTP server for every simulated container; each tunnelled socket carries its target.
  const targets = new WeakMap<Socket, Simulated>();
  const containers = createHttpServer(async (req: IncomingMessage, res) => {
    const target = targets.get(req.socket);
    const isRunner =
      target?.pod.metadata?.labels?.['app.kubernetes.io/name'] ===
        'hybrid-ingestion-runner' && target.port === RUNNER_METRICS_PORT;
    if (
      !target ||
      !isRunner ||
      req.method !== 'GET' ||
      req.url !== '/metrics'
    ) {
      res
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end('404 page not found\n');
      return;
    }
    try {
      const body = await runnerMetrics(target);
      res
        .writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
        .end(body);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });

  const resolve = async (host: string, port: number) => {
    for (const pod of await podsByIp(host)) {
      for (const container of pod.spec?.containers ?? []) {
        if (container.ports?.some(p => p.containerPort === port)) {
          return { pod, container, port };
        }
      }
    }
    return undefined;
  };

  const server: Server = createServer(socket => {
    socket.once('data', async chunk => {
      const head = chunk.toString('latin1');
      const m = head.match(/^CONNECT ([^\s:]+):(\d+) HTTP\/1\.[01]\r\n/);
      if (!m) {
        socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      const [, host, port] = m;
      const target = await resolve(host, Number(port)).catch(e => {
        log(`CONNECT ${host}:${port}: ${e}`);
        return undefined;
      });
      if (!target) {
        log(`CONNECT ${host}:${port}: no simulated container listens there`);
        socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
        return;
      }
      log(
        `CONNECT ${host}:${port} → ${target.pod.metadata?.namespace}/${target.pod.metadata?.name} (${target.container.name})`,
      );
      socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
      targets.set(socket, target);
      containers.emit('connection', socket);
    });
    socket.on('error', () => socket.destroy());
  });

  rmSync(options.socketPath, { force: true });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.socketPath, ok);
  });
  return {
    close: () =>
      new Promise<void>(ok => {
        containers.close();
        server.close(() => ok());
      }),
  };
}
