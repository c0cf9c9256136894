// What the status and fleet benchmarks share: a portal backend in this process (catalog, auth, permissions,
// Backstage's Kubernetes backend and ours), a guest token, and timing helpers.
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';

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
