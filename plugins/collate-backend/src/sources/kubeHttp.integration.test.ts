import { KubeConfig } from '@kubernetes/client-node';
import {
  startCountingProxy,
  testEnv,
  type CountingProxy,
} from '@internal/testenv';
import { KubeHttp, KubeRequestError } from './kubeHttp';

// The client against the real API server, through a counting proxy that offers HTTP/2 (as the API server does) or
// only HTTP/1.1 (as some proxies in front of API servers do), and is reached under a path or not.

function kubeConfigFor(proxy: CountingProxy): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'test',
        server: proxy.url,
        caData: Buffer.from(proxy.caPem).toString('base64'),
      },
    ],
    users: [{ name: 'backstage', token: testEnv.kubernetes().backstageToken }],
    contexts: [{ name: 'test', cluster: 'test', user: 'backstage' }],
    currentContext: 'test',
  });
  return kc;
}

/** The most requests the proxy was answering at once. */
function inFlightAtMost(proxy: CountingProxy): number {
  const edges = proxy.requests.flatMap(r => [
    { at: r.started, step: 1 },
    { at: r.ended ?? Infinity, step: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const e of edges) {
    now += e.step;
    most = Math.max(most, now);
  }
  return most;
}

interface NamespaceList {
  items: Array<{ metadata: { name: string } }>;
}

describe('KubeHttp against the API server', () => {
  const proxies: CountingProxy[] = [];
  const clients: KubeHttp[] = [];

  async function clientBehind(
    options: { http2?: boolean; pathPrefix?: string } = {},
    pools: { requests?: number } = {},
  ) {
    const proxy = await startCountingProxy({
      target: testEnv.kubernetes().url,
      targetCaFile: testEnv.kubernetes().caFile,
      ...options,
    });
    proxies.push(proxy);
    const http = await KubeHttp.create(kubeConfigFor(proxy), pools);
    clients.push(http);
    return { proxy, http };
  }

  /** Twelve requests at once, as a cold status view sends them. */
  function twelveAtOnce(http: KubeHttp) {
    return Promise.all(
      Array.from({ length: 12 }, () =>
        http.get<NamespaceList>('/api/v1/namespaces?limit=5'),
      ),
    );
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.all(proxies.splice(0).map(p => p.close()));
  });

  it('sends concurrent requests over one HTTP/2 connection where the server offers it', async () => {
    const { proxy, http } = await clientBehind();
    const lists = await twelveAtOnce(http);
    expect(lists.map(l => l.items.length)).toEqual(Array(12).fill(5));
    expect(proxy.requests).toHaveLength(12);
    expect(proxy.connections.opened).toBe(1);
    expect(http.sockets()).toEqual({ requests: 1, watches: 0 });
  });

  it('keeps at most its limit of requests in flight on the connection; one given up while waiting passes its turn on', async () => {
    const { proxy, http } = await clientBehind({}, { requests: 3 });
    const lists = await twelveAtOnce(http);
    expect(lists.map(l => l.items.length)).toEqual(Array(12).fill(5));
    const most = inFlightAtMost(proxy);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
    expect(proxy.connections.opened).toBe(1);

    const single = await clientBehind({}, { requests: 1 });
    // A watch holds the one place until its deadline.
    const watching = single.http.text('/api/v1/namespaces?watch=1', {
      maxBytes: 1e9,
      signal: AbortSignal.timeout(600),
    });
    const givenUp = single.http.get('/version', {
      signal: AbortSignal.timeout(100),
    });
    const waiting = single.http.get<NamespaceList>(
      '/api/v1/namespaces?limit=1',
    );
    await expect(givenUp).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(watching).rejects.toMatchObject({ name: 'AbortError' });
    await expect(waiting).resolves.toHaveProperty('items');
    // The request given up never reached the server, and the place it waited for is not lost.
    await expect(single.http.get('/version')).resolves.toHaveProperty('major');
    expect(single.proxy.requests.map(r => r.path).sort()).toEqual([
      '/api/v1/namespaces?limit=1',
      '/api/v1/namespaces?watch=1',
      '/version',
    ]);
  });

  it('falls back to a pool of HTTP/1.1 connections where the server has no HTTP/2', async () => {
    const { proxy, http } = await clientBehind({ http2: false });
    const lists = await twelveAtOnce(http);
    expect(lists.map(l => l.items.length)).toEqual(Array(12).fill(5));
    // The ALPN answer is remembered for the server: a client made later does not ask again.
    const later = await KubeHttp.create(kubeConfigFor(proxy));
    clients.push(later);
    proxy.reset();
    await later.get<NamespaceList>('/api/v1/namespaces?limit=1');
    expect(proxy.connections.opened).toBe(1);
    expect(proxy.requests).toHaveLength(1);
    expect(later.sockets().requests).toBe(1);
  });

  it.each([true, false])(
    'keeps the path of a server URL under a proxy (HTTP/2: %s)',
    async http2 => {
      const { proxy, http } = await clientBehind({
        http2,
        pathPrefix: '/k8s/clusters/c-m-4x2pz',
      });
      const list = await http.get<NamespaceList>('/api/v1/namespaces');
      expect(list.items.map(n => n.metadata.name)).toContain('kube-system');
      expect(proxy.requests[0].path).toBe(
        '/k8s/clusters/c-m-4x2pz/api/v1/namespaces',
      );
    },
  );

  it('opens a new connection when the server has closed the one it had', async () => {
    const { proxy, http } = await clientBehind();
    await http.get('/version');
    proxy.closeConnections();
    const list = await http.get<NamespaceList>('/api/v1/namespaces?limit=1');
    expect(list.items).toHaveLength(1);
    expect(proxy.requests.map(r => r.path)).toEqual([
      '/version',
      '/api/v1/namespaces?limit=1',
    ]);
    expect(proxy.connections.opened).toBe(2);
  });

  it("throws the API server's status and message, and stops at the caller's deadline", async () => {
    const { http } = await clientBehind();
    const missing = http.get('/api/v1/namespaces/no-such-namespace-here');
    await expect(missing).rejects.toBeInstanceOf(KubeRequestError);
    await expect(missing).rejects.toMatchObject({
      status: 404,
      message:
        'Kubernetes API 404 for /api/v1/namespaces/no-such-namespace-here: namespaces "no-such-namespace-here" not found',
    });
    // A watch on the request connection's protocol would never end by itself; the deadline ends it.
    const watching = http.text('/api/v1/namespaces?watch=1', {
      maxBytes: 1e9,
      signal: AbortSignal.timeout(300),
    });
    await expect(watching).rejects.toMatchObject({ name: 'AbortError' });
    // The connection stays usable for the next request.
    await expect(http.get('/version')).resolves.toHaveProperty('major');
  });
});
