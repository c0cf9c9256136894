import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Entity } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import type { z as zod } from 'zod/v3';
import type { EntityPermissions } from '../auth/requirePermission';
import { cloudOf } from '../fleet/readFleet';

/** The templates whose dry-run is a deployment's plan, by what they do (and, for a decommission, the cloud). */
const TEMPLATES = {
  upgrade: 'template:default/collate-upgrade',
  decommission: {
    Azure: 'template:default/collate-decommission-azure',
    AWS: 'template:default/collate-decommission-aws',
  },
} as const;

interface DryRunResponse {
  log: Array<{ body: { message: string; stepId?: string; status?: string } }>;
  steps: Array<{ id: string; name: string; action: string }>;
}

/** Each parameter's `default` of a template: what its form would submit untouched. */
function templateDefaults(template: Entity): Record<string, unknown> {
  const pages = (template.spec?.parameters ?? []) as Array<{
    properties?: Record<string, { default?: unknown }>;
  }>;
  const values: Record<string, unknown> = {};
  for (const page of [pages].flat())
    for (const [key, p] of Object.entries(page.properties ?? {}))
      if (p.default !== undefined) values[key] = p.default;
  return values;
}

/**
 * Dry-run plans for agents: what the upgrade template or the decommission template of a deployment's cloud would do,
 * step by step, without changing anything. Each is the scaffolder's own dry-run (`POST /v2/dry-run`) of the
 * template from the catalog, made on behalf of the caller: the same checks as the status routes first (the caller
 * may read the deployment, and it is bound to a Collate deployment), then the scaffolder's (the template readable,
 * its actions executable by the caller). The plan is what the actions log in dry-run, which never holds a secret.
 */
export function registerPlanActions(deps: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  entityPermissions: EntityPermissions;
  auth: AuthService;
  discovery: DiscoveryService;
}) {
  const { actionsRegistry, catalog, entityPermissions } = deps;

  async function dryRun(
    templateRef: string,
    values: Record<string, unknown>,
    credentials: BackstageCredentials,
  ) {
    const template = await catalog.getEntityByRef(templateRef, {
      credentials,
    });
    if (!template)
      throw new InputError(
        `The catalog has no ${templateRef} that you may read: register the Collate templates (templates/catalog-info.yaml)`,
      );
    const { token } = await deps.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'scaffolder',
    });
    const res = await fetch(
      `${await deps.discovery.getBaseUrl('scaffolder')}/v2/dry-run`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          template,
          values: { ...templateDefaults(template), ...values },
          secrets: {},
          directoryContents: [],
        }),
      },
    );
    if (!res.ok) throw await ResponseError.fromResponse(res);
    const body = (await res.json()) as DryRunResponse;
    const failed = body.log.find(l => l.body.status === 'failed');
    return {
      template: templateRef,
      ok: !failed,
      steps: body.steps.map(s => ({
        id: s.id,
        name: s.name,
        action: s.action,
        status:
          body.log.filter(l => l.body.stepId === s.id).at(-1)?.body.status ??
          'skipped',
      })),
      plan: body.log.map(l => l.body.message).filter(Boolean),
    };
  }

  const planOutput = (z: typeof zod) =>
    z.object({
      template: z.string().describe('The template dry-run'),
      ok: z.boolean().describe('Whether every step would succeed'),
      steps: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          action: z.string(),
          status: z
            .string()
            .describe('completed, failed or skipped (its condition is false)'),
        }),
      ),
      plan: z
        .array(z.string())
        .describe('What each step says it would do, in order'),
    });

  actionsRegistry.register({
    name: 'plan-upgrade',
    title: 'Plan a Collate upgrade',
    description:
      "Dry-runs the Collate upgrade template for a deployment: each Helm release's chart and app version change, the values that change (with the new image tag), the reindex and the catalog annotations it would set. Changes nothing.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('The Collate System, e.g. system:default/collate-prod'),
          version: z
            .string()
            .regex(/^[0-9]+\.[0-9]+\.[0-9]+$/)
            .describe('Target openmetadata chart version, e.g. 1.12.4'),
          imageTag: z
            .string()
            .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/)
            .describe(
              'Collate image tag of that version, e.g. om-1.12.4-cl-1.12.4',
            ),
          argoChartVersion: z
            .string()
            .regex(/^[0-9]+\.[0-9]+\.[0-9]+$/)
            .optional()
            .describe('Also move Argo Workflows to this chart version'),
          allowDowngrade: z.boolean().optional(),
          chart: z
            .string()
            .optional()
            .describe(
              'The openmetadata chart, when not the guides’ (a mirror)',
            ),
          chartRepo: z
            .string()
            .optional()
            .describe('Its repository; empty for a local chart path'),
        }),
      output: planOutput,
    },
    action: async ({ input, credentials }) => {
      const { entityRef } = await entityPermissions.readableByRef(
        input.entityRef,
        credentials,
      );
      const { entityRef: _, ...values } = input;
      return {
        output: await dryRun(
          TEMPLATES.upgrade,
          { ...values, system: entityRef },
          credentials,
        ),
      };
    },
  });

  actionsRegistry.register({
    name: 'plan-decommission',
    title: 'Plan a Collate decommission',
    description:
      "Dry-runs the decommission template of the deployment's cloud (Azure AKS or AWS EKS): the Helm releases, Kubernetes objects, cloud identities, role grants and storage it would delete, in order, and which it would keep. Changes nothing.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe('The Collate System, e.g. system:default/collate-prod'),
          deleteStorage: z
            .boolean()
            .optional()
            .describe(
              'Plan deleting the artifact storage (bucket or account) too',
            ),
        }),
      output: planOutput,
    },
    action: async ({ input, credentials }) => {
      const { entity, entityRef } = await entityPermissions.readableByRef(
        input.entityRef,
        credentials,
      );
      const cloud = cloudOf(entity);
      if (cloud === 'other')
        throw new InputError(
          `${entityRef} is not tagged azure or aws: there is no decommission template for where it runs`,
        );
      return {
        output: await dryRun(
          TEMPLATES.decommission[cloud],
          {
            system: entityRef,
            confirm: true,
            // The AWS template calls its storage a bucket.
            ...(input.deleteStorage
              ? { [cloud === 'AWS' ? 'deleteBucket' : 'deleteStorage']: true }
              : {}),
          },
          credentials,
        ),
      };
    },
  });
}
