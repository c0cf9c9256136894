// What the status and fleet benchmarks share: a portal backend in this process (catalog, auth, permissions,
// Backstage's Kubernetes backend and ours), a guest token, and timing helpers.
import { createBackend } from '@backstage/backend-defaults';
import type { CountedRequest } from '@internal/testenv';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { CountingProxy } from '@internal/testenv';

/** A portal backend on `base` with `data` as its whole config; resolves once the catalog serves `entityRefs`. */
export async function startPortalBackend(
  base: string,
  data: object,
  entityRefs: string[],
) {
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => new ConfigReader(data),
    }),
  );
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(
    import('@backstage/plugin-permission-backend-module-allow-all-policy'),
  );
  backend.add(import('@backstage/plugin-kubernetes-backend'));
  backend.add(import('@collate-backstage/plugin-collate-backend'));
  await backend.start();
  const token = await guestToken(base);
  for (const ref of entityRefs) {
    const [kind, name] = ref.split(':default/');
    await waitFor(async () => {
      const res = await fetch(
        `${base}/api/catalog/entities/by-name/${kind}/default/${name}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      return res.ok;
    });
  }
  return { backend, token };
}

/**
 * Has a fresh backend answer one request through the Collate plugin, a status request for an entity that does not
 * exist (404): the framework's first-request costs are then paid (the plugin's signing key made, the user token's
 * keys fetched, the catalog and the permission backend given their first token of the plugin and fetching its keys),
 * as they are for any backend that has served a request, and for the Kubernetes backend's views the benchmarks
 * compare with. Nothing of the plugin's own is warmed: no cache, no workflow index, no connection to a cluster.
 */
export async function warmFramework(base: string, token: string) {
  const res = await fetch(
    `${base}/api/collate/entities/component/default/no-such-entity-warm-up/status`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  if (res.status !== 404) {
    throw new Error(`warm-up request answered ${res.status}, not 404`);
  }
}

export async function guestToken(base: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

async function waitFor(check: () => Promise<boolean>) {
  for (let i = 0; i < 240; i++) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error('timed out waiting for the catalog');
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};

/** Times a request to its last byte; a failed answer fails the benchmark. */
export async function timed(fn: () => Promise<Response>) {
  const started = performance.now();
  const res = await fn();
  const body = await res.text();
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`${res.status}: ${body.slice(0, 300)}`);
  return { ms, body };
}

/**
 * The portal's config for a benchmark: an in-memory catalog of one file (adopted, as operators adopt a deployment's
 * location), guest sign-in, and the clusters, each reached through its counting proxy with Backstage's token; Argo
 * Workflows as a custom resource, as the Kubernetes plugin shows them. `collate` adds to the Collate config.
 */
export function benchPortalConfig(options: {
  base: string;
  port: number;
  kinds: string[];
  catalog: string;
  clusters: Array<{ name: string; proxy: CountingProxy; token: string }>;
  collate?: object;
}) {
  return {
    app: { baseUrl: 'http://localhost:3000' },
    backend: {
      baseUrl: options.base,
      listen: { port: options.port },
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    // The benchmark runs outside NODE_ENV=development.
    auth: {
      providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
    },
    catalog: {
      rules: [{ allow: [...options.kinds, 'Location'] }],
      locations: [{ type: 'file', target: options.catalog }],
    },
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: options.clusters.map(c => ({
            name: c.name,
            url: c.proxy.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: c.token,
            caData: Buffer.from(c.proxy.caPem).toString('base64'),
          })),
        },
      ],
      customResources: [
        { group: 'argoproj.io', apiVersion: 'v1alpha1', plural: 'workflows' },
      ],
    },
    collate: {
      adoptedLocations: [{ type: 'file', target: options.catalog }],
      ...options.collate,
    },
  };
}

/** A request's path without names and query values: `/apis/apps/v1/namespaces/…/deployments?labelSelector`. */
export function requestKind(path: string) {
  const [p, q] = path.split('?');
  const kind = p
    .replace(/\/namespaces\/[^/]+/, '/namespaces/…')
    .replace(/\/(workflows|secrets|pods)\/[^/]+/, '/$1/…');
  const params = q
    ? [...new URLSearchParams(q).keys()].filter(k => k !== 'timeout').join(',')
    : '';
  return params ? `${kind}?${params}` : kind;
}

/**
 * When each upstream request of one view started and ended, relative to the view's start (ms): where a cold view
 * spends its time, and which requests wait for others.
 */
export function timeline(
  requests: CountedRequest[],
  viewStarted: number,
): string {
  return [...requests]
    .sort((a, b) => a.started - b.started)
    .map(
      r =>
        `  ${(r.started - viewStarted).toFixed(0).padStart(5)} → ${
          r.ended === undefined
            ? '    ?'
            : (r.ended - viewStarted).toFixed(0).padStart(5)
        } ms  ${r.method} ${requestKind(r.path)}`,
    )
    .join('\n');
}

/**
 * The requests of one view by kind: how many, and the time the clusters spent answering them (the sum of each
 * request's start to end, so parallel requests add up), most first: what a cold view costs the API servers.
 */
export function costByKind(requests: CountedRequest[]): string {
  const kinds = new Map<string, { n: number; ms: number }>();
  for (const r of requests) {
    const k = `${r.method} ${requestKind(r.path)}`;
    const e = kinds.get(k) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += r.ended === undefined ? 0 : r.ended - r.started;
    kinds.set(k, e);
  }
  return [...kinds]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(
      ([k, e]) =>
        `  ${String(e.n).padStart(4)} × ${(e.ms / e.n)
          .toFixed(1)
          .padStart(6)} ms = ${e.ms.toFixed(0).padStart(6)} ms  ${k}`,
    )
    .join('\n');
}
