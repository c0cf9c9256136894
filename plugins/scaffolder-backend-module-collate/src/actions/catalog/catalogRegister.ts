import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { z as zod } from 'zod/v3';
import type {
  AnnotateDeploymentResult,
  RegisterDeploymentResult,
  UnregisterDeploymentResult,
} from '@collate-backstage/plugin-collate-common';
import { fail } from '../../lib/validation';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const KINDS = new Set(['System', 'Component', 'Resource', 'Group', 'Domain']);
/** Annotation values must never carry secrets: refuse anything that looks like a credential. */
const SECRET_LIKE =
  /(password|secret|token|jwt)\s*[:=]|eyJ[\w-]{10,}\.[\w-]{10,}\./i;

interface EntityInput {
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
async function deploymentsRequest<T>(
  options: { auth: AuthService; discovery: DiscoveryService },
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
async function awaitVisible(
  options: { auth: AuthService; discovery: DiscoveryService },
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

function deploymentName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    fail(
      'name',
      'lowercase letters, digits and -, starting and ending with a letter or digit, at most 63 characters',
    );
  }
  return name;
}

const nameInput = (z: typeof zod) =>
  z
    .string()
    .regex(NAME)
    .max(63)
    .describe(
      'Deployment name: the entities of one deployment are registered, replaced and removed together (lowercase, digits, -)',
    );

/**
 * `collate:catalog:register`: registers what a template deployed (a System with its Components and Resources) in
 * the catalog, without a Git repository: the catalog module of this plugin set keeps the entities and provides them
 * to the catalog. A re-run with the same entities changes nothing; entities dropped from the list are removed.
 *
 * @public
 */
export function createCollateCatalogRegisterAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'collate:catalog:register',
    description:
      'Registers the entities of a Collate deployment (System, Components, Resources with the collate.io/* annotations the status cards read) in the catalog, through the Collate catalog module. Idempotent; dry-run reports whether they would be created, updated or left unchanged.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Register a deployment as a System with its server',
        example: [
          'steps:',
          '  - id: register',
          '    action: collate:catalog:register',
          '    input:',
          '      name: collate-prod',
          '      entities:',
          '        - apiVersion: backstage.io/v1alpha1',
          '          kind: System',
          '          metadata:',
          '            name: collate-prod',
          '            annotations: { collate.io/component: server }',
          '          spec: { owner: group:default/platform-team }',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        name: nameInput,
        entities: z =>
          z
            .array(z.record(z.unknown()))
            .min(1)
            .max(50)
            .describe('The catalog entities to register (at most 50)'),
      },
      output: {
        entityRefs: z => z.array(z.string()).describe('Registered entities'),
        entityRef: z =>
          z.string().describe('The first entity (the System) for links'),
        removedEntityRefs: z =>
          z
            .array(z.string())
            .describe(
              'Entities of an earlier run that are no longer part of the deployment',
            ),
        action: z => z.enum(['create', 'update', 'unchanged']),
      },
    },
    async handler(ctx) {
      const name = deploymentName(ctx.input.name);
      const entities = validateEntities(ctx.input.entities);
      const result = await deploymentsRequest<RegisterDeploymentResult>(
        options,
        'PUT',
        name,
        ctx.isDryRun ?? false,
        { entities },
      );
      const verb = ctx.isDryRun ? 'would' : 'did';
      ctx.logger.info(
        `${
          result.action === 'unchanged'
            ? 'unchanged'
            : `${verb} ${result.action}`
        }: ${result.entityRefs.join(', ')}${
          result.removedEntityRefs.length
            ? `; ${verb} remove ${result.removedEntityRefs.join(', ')}`
            : ''
        }`,
      );
      if (!ctx.isDryRun)
        await awaitVisible(options, result.entityRefs, ctx.logger);
      ctx.output('entityRefs', result.entityRefs);
      ctx.output('entityRef', result.entityRefs[0]);
      ctx.output('removedEntityRefs', result.removedEntityRefs);
      ctx.output('action', result.action);
    },
  });
}

/**
 * `collate:catalog:unregister`: removes the entities a deployment registered from the catalog, when the deployment
 * is decommissioned. Removing a deployment that is not registered succeeds and does nothing.
 *
 * @public
 */
export function createCollateCatalogUnregisterAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'collate:catalog:unregister',
    description:
      'Removes the catalog entities of a Collate deployment registered with collate:catalog:register. Idempotent; dry-run lists what would be removed.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Remove a decommissioned deployment from the catalog',
        example: [
          'steps:',
          '  - id: unregister',
          '    action: collate:catalog:unregister',
          '    input:',
          '      name: collate-prod',
        ].join('\n'),
      },
    ],
    schema: {
      input: { name: nameInput },
      output: {
        removedEntityRefs: z =>
          z.array(z.string()).describe('Entities removed from the catalog'),
        existed: z =>
          z.boolean().describe('False when the deployment was not registered'),
      },
    },
    async handler(ctx) {
      const name = deploymentName(ctx.input.name);
      const result = await deploymentsRequest<UnregisterDeploymentResult>(
        options,
        'DELETE',
        name,
        ctx.isDryRun ?? false,
      );
      const verb = ctx.isDryRun ? 'would remove' : 'removed';
      ctx.logger.info(
        result.existed
          ? `${verb}: ${result.removedEntityRefs.join(', ')}`
          : `deployment ${name} is not registered: nothing to remove`,
      );
      ctx.output('removedEntityRefs', result.removedEntityRefs);
      ctx.output('existed', result.existed);
    },
  });
}

/**
 * `collate:catalog:annotate`: sets `collate.io/*` annotations on a registered deployment's entities (where they are,
 * or on its System), e.g. the chart version after an upgrade. Idempotent; dry-run lists the entities it would change.
 *
 * @public
 */
export function createCollateCatalogAnnotateAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'collate:catalog:annotate',
    description:
      "Sets collate.io/* annotations on the entities of a Collate deployment registered with collate:catalog:register: on the entities that carry the annotation, or on the deployment's System when none does. Idempotent; dry-run lists the entities that would change.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Record the chart version an upgrade moved the server to',
        example: [
          'steps:',
          '  - id: annotate',
          '    action: collate:catalog:annotate',
          '    input:',
          '      name: collate-prod',
          '      annotations:',
          "        collate.io/server-chart-version: '1.12.4'",
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        name: nameInput,
        annotations: z =>
          z
            .record(
              z
                .string()
                .regex(/^collate\.io\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
              z.string().max(1024),
            )
            .describe('collate.io/* annotations and their values'),
      },
      output: {
        entityRefs: z =>
          z.array(z.string()).describe('Entities whose annotations changed'),
        action: z => z.enum(['update', 'unchanged']),
      },
    },
    async handler(ctx) {
      const name = deploymentName(ctx.input.name);
      const annotations = ctx.input.annotations as Record<string, string>;
      for (const [key, value] of Object.entries(annotations ?? {})) {
        if (!/^collate\.io\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(key))
          fail(`annotations.${key}`, 'only collate.io/ annotations');
        if (typeof value !== 'string' || SECRET_LIKE.test(value))
          fail(`annotations.${key}`, 'a plain string that is not a credential');
      }
      if (!annotations || Object.keys(annotations).length === 0)
        fail('annotations', 'at least one annotation');
      const result = await deploymentsRequest<AnnotateDeploymentResult>(
        options,
        'PATCH',
        name,
        ctx.isDryRun ?? false,
        { annotations },
      );
      const set = Object.entries(annotations)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      ctx.logger.info(
        result.action === 'unchanged'
          ? `unchanged: ${set} already on deployment ${name}`
          : `${
              ctx.isDryRun ? 'would set' : 'set'
            } ${set} on ${result.entityRefs.join(', ')}`,
      );
      ctx.output('entityRefs', result.entityRefs);
      ctx.output('action', result.action);
    },
  });
}

function validateEntities(value: unknown): EntityInput[] {
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
