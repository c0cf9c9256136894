import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
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

/**
 * `collate:catalog:register`: registers what a template deployed (a System with its Components and Resources) in
 * the catalog, without a Git repository. The collate backend keeps the entities and serves them as a catalog file,
 * which it registers once as a `url` location; a re-run with the same entities changes nothing.
 */
export function createCollateCatalogRegisterAction(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'collate:catalog:register',
    description:
      'Registers the entities of a Collate deployment (System, Components, Resources with the collate.io/* annotations the status cards read) in the catalog through the collate backend. Idempotent; dry-run reports whether they would be created, updated or left unchanged.',
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
        name: z =>
          z
            .string()
            .describe(
              'Deployment name: one catalog location per name (lowercase, digits, -)',
            ),
        entities: z =>
          z
            .array(z.record(z.unknown()))
            .describe('The catalog entities to register (at most 50)'),
      },
      output: {
        entityRefs: z => z.array(z.string()).describe('Registered entities'),
        entityRef: z =>
          z.string().describe('The first entity (the System) for links'),
        locationUrl: z => z.string().describe('The catalog location'),
        action: z => z.enum(['create', 'update', 'unchanged']),
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      if (typeof name !== 'string' || !NAME.test(name)) {
        fail(
          'name',
          'lowercase letters, digits and -, starting and ending with a letter or digit, at most 63 characters',
        );
      }
      const entities = validateEntities(ctx.input.entities);
      const base = await options.discovery.getBaseUrl('collate');
      const { token } = await options.auth.getPluginRequestToken({
        onBehalfOf: await options.auth.getOwnServiceCredentials(),
        targetPluginId: 'collate',
      });
      const res = await fetch(
        `${base}/deployments/${name}${ctx.isDryRun ? '?dryRun=true' : ''}`,
        {
          method: 'PUT',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ entities }),
        },
      );
      if (res.status === 400) {
        const body = await res.json().catch(() => ({}));
        throw new InputError(body?.error?.message ?? 'rejected entities');
      }
      if (!res.ok) throw await ResponseError.fromResponse(res);
      const result = (await res.json()) as {
        entityRefs: string[];
        locationUrl: string;
        action: 'create' | 'update' | 'unchanged';
        locationAdded: boolean;
      };
      const verb = ctx.isDryRun ? 'would' : 'did';
      ctx.logger.info(
        `${
          result.action === 'unchanged'
            ? 'unchanged'
            : `${verb} ${result.action}`
        }: ${result.entityRefs.join(', ')}${
          result.locationAdded
            ? ` (${verb} add location ${result.locationUrl})`
            : ''
        }`,
      );
      ctx.output('entityRefs', result.entityRefs);
      ctx.output('entityRef', result.entityRefs[0]);
      ctx.output('locationUrl', result.locationUrl);
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
