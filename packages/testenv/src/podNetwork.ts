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
// For a CONNECT to a node's kubelet (`<node InternalIP>:<kubeletEndpoint port>`, set by kubernetes.sh), it answers
// as the kubelet does for `pods/log` (over TLS, with the testenv CA's kubelet certificate):
//   GET /containerLogs/{namespace}/{pod}/{container}?follow=&timestamps=&tailLines=&limitBytes=
// KWOK runs no process, so a container's output is what the pod says it is: the annotation
// `testenv.collate.io/log-<container>` (or `testenv.collate.io/log` for any container; an Argo template's
// `metadata.annotations` reach its pod), else one line naming the image and command. With `follow=true` the stream
// stays open while the pod runs, as a kubelet's does.
// Anything else is refused as a closed port would be (502 to the CONNECT), which the API server reports as a proxy
// error, as it would for a pod whose container does not listen.
//   node --require @backstage/cli/config/nodeTransform.cjs packages/testenv/src/bin/pod-network.ts <socket> <kubeconfig> \
//     <kubelet cert> <kubelet key>
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';
import { readFileSync, rmSync } from 'node:fs';
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
  /** The fake nodes' kubelet serving certificate and key (PEM files). */
  kubeletTls?: { certPath: string; keyPath: string };
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

  // The kubelets of the fake nodes: their InternalIP and kubelet port, from the Node objects.
  const kubeletAt = async (host: string, port: number) => {
    const nodes = await core.listNode();
    return nodes.items.find(
      n =>
        n.status?.daemonEndpoints?.kubeletEndpoint?.Port === port &&
        n.status?.addresses?.some(a => a.address === host),
    );
  };
  const kubeletContext =
    options.kubeletTls &&
    createSecureContext({
      cert: readFileSync(options.kubeletTls.certPath),
      key: readFileSync(options.kubeletTls.keyPath),
    });
  const containerLogs = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const m = url.pathname.match(
      /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/,
    );
    if (req.method !== 'GET' || !m) {
      res
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end('404 page not found\n');
      return;
    }
    const [namespace, name, container] = m.slice(1).map(decodeURIComponent);
    const read = () =>
      core.readNamespacedPod({ name, namespace }).catch(() => undefined);
    const pod = await read();
    const spec = pod?.spec?.containers.find(c => c.name === container);
    if (!pod || !spec) {
      res
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end(`container ${container} is not valid for pod ${name}\n`);
      return;
    }
    const annotations = pod.metadata?.annotations ?? {};
    const text =
      annotations[`testenv.collate.io/log-${container}`] ??
      annotations['testenv.collate.io/log'] ??
      `simulated container ${container}: ${spec.image} ${[
        ...(spec.command ?? []),
        ...(spec.args ?? []),
      ].join(' ')}`;
    let lines = text.split('\n').filter((l, i, all) => l || i < all.length - 1);
    const tail = url.searchParams.get('tailLines');
    if (tail !== null) lines = lines.slice(-Number(tail));
    const started = Date.parse(
      String(pod.status?.startTime ?? pod.metadata?.creationTimestamp ?? ''),
    );
    const stamp = url.searchParams.get('timestamps') === 'true';
    let body = lines
      .map(
        (l, i) =>
          `${
            stamp
              ? `${new Date((started || Date.now()) + i).toISOString()} `
              : ''
          }${l}\n`,
      )
      .join('');
    const limit = url.searchParams.get('limitBytes');
    if (limit !== null) body = body.slice(0, Number(limit));
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write(body);
    if (url.searchParams.get('follow') !== 'true') {
      res.end();
      return;
    }
    // Following: open while the pod runs (KWOK ends it), closed when the client goes.
    const timer = setInterval(async () => {
      const now = await read();
      const phase = now?.status?.phase;
      if (!now || phase === 'Succeeded' || phase === 'Failed') {
        clearInterval(timer);
        res.end();
      }
    }, 500);
    req.on('close', () => clearInterval(timer));
  };

  const kubelet = createHttpServer((req, res) => {
    containerLogs(req, res).catch(e => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
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
      const node =
        kubeletContext &&
        (await kubeletAt(host, Number(port)).catch(() => undefined));
      if (node && kubeletContext) {
        log(`CONNECT ${host}:${port} → kubelet of ${node.metadata?.name}`);
        socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
        const tls = new TLSSocket(socket, {
          isServer: true,
          secureContext: kubeletContext,
        });
        tls.on('error', () => tls.destroy());
        kubelet.emit('connection', tls);
        return;
      }
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
        kubelet.close();
        server.close(() => ok());
      }),
  };
}
