import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { azureCode, type AzureClients, listAll } from '../../lib/azure';
import { COLLATE_UUID_NAMESPACE, uuidV5 } from '../../lib/ids';
import { logChange, type PlannedChange } from '../../lib/plan';
import { withRetry } from '../../lib/retry';
import { assertGuid, fail } from '../../lib/validation';
import { examples } from './roleAssign.examples';
import { withDefaults } from '../../lib/defaults';
import {
  assertDeployment,
  deploymentInput,
  roleAssignmentMarker,
} from '../../lib/markers';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The assignment name is a v5 UUID of scope, principal and role, so a re-run finds the same assignment. */
export function roleAssignmentName(
  scope: string,
  principalId: string,
  roleDefinitionGuid: string,
): string {
  return uuidV5(
    `${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid.toLowerCase()}`,
    COLLATE_UUID_NAMESPACE,
  );
}

/**
 * `collate:azure:role:assign`: a role assignment for a principal at a scope (az role assignment create
 * --assignee-principal-type ServicePrincipal). `PrincipalNotFound` right after the identity was created is
 * retried with backoff; 429 is retried by the SDK as Retry-After says.
 * @public
 */
export function createAzureRoleAssignAction(options: {
  azure: AzureClients;
  principalRetry?: { initialDelayMs?: number; attempts?: number };
}) {
  return createTemplateAction({
    id: 'collate:azure:role:assign',
    description:
      'Ensures a role (by name, e.g. "Storage Blob Data Contributor", or by id) is assigned to a principal at a scope. The assignment name is derived deterministically; an equal assignment under any name counts as done.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        scope: z =>
          z
            .string()
            .describe(
              'Scope, e.g. the blob container id from collate:azure:storage:ensure (output containerId)',
            ),
        principalId: z =>
          z
            .string()
            .describe(
              'Object id of the assignee (collate:azure:identity:create output principalId)',
            ),
        role: z =>
          z
            .string()
            .describe(
              'Role name (e.g. "Storage Blob Data Reader", "Key Vault Secrets Officer") or role definition GUID or id',
            ),
        principalType: z =>
          z
            .enum(['ServicePrincipal', 'User', 'Group'])
            .default('ServicePrincipal')
            .describe('Type of the assignee'),
        deployment: deploymentInput,
      },
      output: {
        owned: z =>
          z
            .boolean()
            .describe(
              "Whether the assignment's description carries the deployment marker (created for it); false for an existing one",
            ),
        id: z => z.string().describe('Resource id of the role assignment'),
        name: z => z.string().describe('Name (GUID) of the role assignment'),
        roleDefinitionId: z =>
          z.string().describe('Resolved role definition id'),
      },
    },
    async handler(ctx) {
      const { scope, principalId, role, principalType } = withDefaults(
        ctx.input,
        { principalType: 'ServicePrincipal' as const },
      );
      const subscription = scope.match(
        /^\/subscriptions\/([0-9a-f-]{36})(\/|$)/i,
      )?.[1];
      if (
        !subscription ||
        /\s/.test(scope) ||
        scope.includes('//') ||
        scope.endsWith('/')
      ) {
        fail(
          'scope',
          `'${scope}' must be an Azure resource id starting with /subscriptions/<subscription id>`,
        );
      }
      assertGuid('principalId', principalId);
      const { deployment } = ctx.input;
      assertDeployment(deployment);
      if (!role.trim()) fail('role', 'must not be empty');
      const auth = options.azure.authorization(subscription);

      // Resolve the role definition: by GUID, full id, or name.
      let roleDefinitionId: string;
      const guid = role.match(
        /(?:^|\/roleDefinitions\/)([0-9a-f-]{36})$/i,
      )?.[1];
      if (guid && GUID.test(guid)) {
        roleDefinitionId = `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${guid.toLowerCase()}`;
      } else {
        // Looked up at the subscription, where built-in and subscription-level custom roles are all visible (the
        // target scope may not exist yet in a dry-run).
        const found = await listAll(
          auth.roleDefinitions.list(`/subscriptions/${subscription}`, {
            filter: `roleName eq '${role.replace(/'/g, "''")}'`,
          }),
        );
        if (found.length !== 1)
          fail(
            'role',
            `no role definition named '${role}' in subscription ${subscription}`,
          );
        roleDefinitionId = found[0].id!;
      }
      const roleGuid = roleDefinitionId.split('/').pop()!;
      const name = roleAssignmentName(scope, principalId, roleGuid);
      const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;

      // In a dry-run the scope may be a resource that an earlier step would create.
      const existing = await listAll(
        auth.roleAssignments.listForScope(scope, {
          filter: `principalId eq '${principalId}'`,
        }),
        {
          notFoundAsEmpty: Boolean(ctx.isDryRun),
        },
      );
      const match = existing.find(
        a =>
          a.roleDefinitionId
            ?.toLowerCase()
            .endsWith(`/${roleGuid.toLowerCase()}`) &&
          a.scope?.toLowerCase() === scope.toLowerCase(),
      );
      const change: PlannedChange = {
        action: match ? 'unchanged' : 'create',
        resource: `role assignment '${role}' for ${principalId} at ${scope}`,
      };
      logChange(ctx.logger, change, Boolean(ctx.isDryRun));
      if (match) {
        const owned = Boolean(
          deployment && match.description === roleAssignmentMarker(deployment),
        );
        if (deployment && !owned)
          ctx.logger.info(
            `role assignment ${match.name} exists and was not created by deployment ${deployment}: adopted, decommissioning ${deployment} keeps it (unless it deletes the identity it grants)`,
          );
        ctx.output('owned', owned);
        ctx.output('id', match.id!);
        ctx.output('name', match.name!);
        ctx.output('roleDefinitionId', roleDefinitionId);
        return;
      }
      if (!ctx.isDryRun) {
        await ctx.checkpoint({
          key: `azure.role.assign.${name}`,
          fn: () =>
            withRetry(
              async () => {
                await auth.roleAssignments.create(scope, name, {
                  roleDefinitionId,
                  principalId,
                  principalType,
                  ...(deployment
                    ? { description: roleAssignmentMarker(deployment) }
                    : {}),
                });
              },
              {
                what: `role assignment ${name}`,
                logger: ctx.logger,
                initialDelayMs: options.principalRetry?.initialDelayMs ?? 2000,
                attempts: options.principalRetry?.attempts ?? 8,
                // A new identity is unknown to the directory for a while (replication delay).
                retryable: e => azureCode(e) === 'PrincipalNotFound',
              },
            ).catch(e => {
              // Created concurrently by another run: the assignment is there, which is what was asked.
              if (azureCode(e) === 'RoleAssignmentExists') return;
              throw e;
            }),
        });
      }
      ctx.output('owned', Boolean(deployment));
      ctx.output('id', id);
      ctx.output('name', name);
      ctx.output('roleDefinitionId', roleDefinitionId);
    },
  });
}
