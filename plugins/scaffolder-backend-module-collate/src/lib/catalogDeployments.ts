import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import type { z as zod } from 'zod/v3';
import { fail } from './validation';

/** What the collate:catalog:* actions call the catalog with: this backend's own credentials. @public */
export interface CatalogActionOptions {
  auth: AuthService;
  discovery: DiscoveryService;
}

/* The catalog module's deployment routes, as the collate:catalog:* actions call them, and the rules of their input. */

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const KINDS = new Set(['System', 'Component', 'Resource', 'Group', 'Domain']);
/** Annotation values must never carry secrets: refuse anything that looks like a credential. */
export const SECRET_LIKE =
  /(password|secret|token|jwt)\s*[:=]|eyJ[\w-]{10,}\.[\w-]{10,}\./i;

export interface EntityInput {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    title?: string;
    description?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    tags?: string[];
    links?: Array<{ url: string; title?: string }>;
  };
  spec?: Record<string, unknown>;
}

/** Calls the catalog module's deployment routes (`/api/catalog/collate/deployments/:name`) as this backend. */
export async function deploymentsRequest<T>(
  options: CatalogActionOptions,
  method: 'PUT' | 'PATCH' | 'DELETE',
  name: string,
  dryRun: boolean,
  body?: unknown,
): Promise<T> {
  const base = await options.discovery.getBaseUrl('catalog');
  const { token } = await options.auth.getPluginRequestToken({
    onBehalfOf: await options.auth.getOwnServiceCredentials(),
    targetPluginId: 'catalog',
  });
  const res = await fetch(
    `${base}/collate/deployments/${encodeURIComponent(name)}${
      dryRun ? '?dryRun=true' : ''
    }`,
    {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    },
  );
  if (res.status === 404) {
    const error = await res.json().catch(() => ({}));
    throw new InputError(
      error?.error?.name === 'NotFoundError'
        ? error.error.message
        : 'The catalog has no Collate deployment routes: add @collate-backstage/plugin-catalog-backend-module-collate to the backend',
    );
  }
  if (res.status === 400 || res.status === 409) {
    const error = await res.json().catch(() => ({}));
    throw new InputError(error?.error?.message ?? 'rejected entities');
  }
  if (!res.ok) throw await ResponseError.fromResponse(res);
  return (await res.json()) as T;
}

/** How long a registration waits for the catalog to hold what it registered. */
const VISIBLE_WITHIN_MS = 60_000;

/**
 * Waits until the catalog returns every registered entity: it holds them once its processing loop has seen the
 * registration, a few seconds later. Until then the template's "Open in catalog" link would show "Entity not found".
 * Says what it awaits every 10 s; after a minute it warns and goes on.
 */
export async function awaitVisible(
  options: CatalogActionOptions,
  entityRefs: string[],
  logger: LoggerService,
): Promise<void> {
  const base = await options.discovery.getBaseUrl('catalog');
  const started = Date.now();
  let said = started;
  for (;;) {
    const { token } = await options.auth.getPluginRequestToken({
      onBehalfOf: await options.auth.getOwnServiceCredentials(),
      targetPluginId: 'catalog',
    });
    const res = await fetch(`${base}/entities/by-refs`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ entityRefs, fields: ['kind', 'metadata.name'] }),
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    const { items } = (await res.json()) as { items: Array<unknown | null> };
    const missing = entityRefs.filter((_, i) => !items[i]);
    if (missing.length === 0) return;
    const now = Date.now();
    if (now - started >= VISIBLE_WITHIN_MS) {
      logger.warn(
        `the catalog does not show ${missing.join(', ')} yet after ${Math.round(
          (now - started) / 1000,
        )} s; it will once its processing loop gets to them`,
      );
      return;
    }
    if (now - said >= 10_000) {
      said = now;
      logger.info(
        `waiting for the catalog to process ${missing.length} of ${
          entityRefs.length
        } entities: ${Math.round((now - started) / 1000)} s`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

export function deploymentName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    fail(
      'name',
      'lowercase letters, digits and -, starting and ending with a letter or digit, at most 63 characters',
    );
  }
  return name;
}

export const nameInput = (z: typeof zod) =>
  z
    .string()
    .regex(NAME)
    .max(63)
    .describe(
      'Deployment name: the entities of one deployment are registered, replaced and removed together (lowercase, digits, -)',
    );

/** The entities of a registration, checked before anything is sent: kinds, names, owners, and no credentials. */
export function validateEntities(value: unknown): EntityInput[] {
  if (!Array.isArray(value) || value.length === 0)
    fail('entities', 'a non-empty list of catalog entities');
  if (value.length > 50) fail('entities', 'at most 50 entities');
  const seen = new Set<string>();
  return value.map((raw, i) => {
    const e = raw as EntityInput;
    const at = `entities[${i}]`;
    if (e?.apiVersion !== 'backstage.io/v1alpha1')
      fail(`${at}.apiVersion`, "must be 'backstage.io/v1alpha1'");
    if (!KINDS.has(e.kind))
      fail(`${at}.kind`, `one of ${[...KINDS].join(', ')}`);
    if (typeof e.metadata?.name !== 'string' || !NAME.test(e.metadata.name))
      fail(`${at}.metadata.name`, 'a lowercase DNS label');
    const key = `${e.kind}:${e.metadata.name}`.toLowerCase();
    if (seen.has(key)) fail(at, `${key} appears twice`);
    seen.add(key);
    for (const [k, v] of Object.entries(e.metadata.annotations ?? {})) {
      if (typeof v !== 'string')
        fail(`${at}.metadata.annotations.${k}`, 'must be a string');
      if (SECRET_LIKE.test(v))
        fail(
          `${at}.metadata.annotations.${k}`,
          'looks like a credential; secrets never go to the catalog',
        );
    }
    if (e.kind !== 'Group' && typeof e.spec?.owner !== 'string')
      fail(`${at}.spec.owner`, 'required');
    return e;
  });
}
