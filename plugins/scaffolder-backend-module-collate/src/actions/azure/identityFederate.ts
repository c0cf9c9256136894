import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  azureCode,
  type AzureClients,
  listAll,
  resolveSubscription,
  subscriptionIdInput,
} from '../../lib/azure';
import { KeyedMutex } from '../../lib/ids';
import { logChange, planFor } from '../../lib/plan';
import { withRetry } from '../../lib/retry';
import {
  assertDnsLabel,
  assertDnsSubdomain,
  assertFederatedCredentialName,
  assertHttpsUrl,
  assertIdentityName,
  assertResourceGroup,
  fail,
} from '../../lib/validation';
import { examples } from './identityFederate.examples';
import { withDefaults } from '../../lib/defaults';

/** The audience of AKS workload-identity tokens (guide 000). */
export const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange';

/** Azure's limit of federated identity credentials on one user-assigned identity. */
export const MAX_FEDERATED_CREDENTIALS = 20;

/** One identity's credentials are written one at a time in this backend; another writer gets 409 and a retry. */
const writes = new KeyedMutex();

/**
 * `collate:azure:identity:federate`: a federated identity credential trusting a Kubernetes service account of the
 * cluster's OIDC issuer (az identity federated-credential create).
 * @public
 */
export function createAzureIdentityFederateAction(options: {
  azure: AzureClients;
}) {
  return createTemplateAction({
    id: 'collate:azure:identity:federate',
    description:
      'Ensures a federated identity credential on a user-assigned identity for subject system:serviceaccount:<namespace>:<serviceAccount>. Writes to one identity are serialized; the 20-credential limit is checked first.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        subscriptionId: subscriptionIdInput,
        resourceGroup: z =>
          z.string().describe('Resource group of the identity'),
        identityName: z =>
          z
            .string()
            .describe('The user-assigned identity, e.g. collate-ingestion'),
        name: z =>
          z
            .string()
            .describe(
              'Credential name (guide 000 names them after the identity, e.g. argo-workflows-server)',
            ),
        issuer: z =>
          z
            .string()
            .describe(
              "The cluster's OIDC issuer URL (collate:azure:aks:workload-identity output issuerUrl)",
            ),
        namespace: z =>
          z.string().describe('Namespace of the service account, e.g. collate'),
        serviceAccount: z =>
          z.string().describe('Service account name, e.g. om-role'),
        audience: z =>
          z.string().default(DEFAULT_AUDIENCE).describe('Token audience'),
      },
      output: {
        name: z =>
          z
            .string()
            .describe(
              'Name of the credential that carries this issuer and subject',
            ),
        subject: z => z.string().describe('The federated subject'),
      },
    },
    async handler(ctx) {
      const {
        resourceGroup,
        identityName,
        name,
        issuer,
        namespace,
        serviceAccount,
        audience,
      } = withDefaults(ctx.input, { audience: DEFAULT_AUDIENCE });
      assertResourceGroup('resourceGroup', resourceGroup);
      assertIdentityName('identityName', identityName);
      assertFederatedCredentialName('name', name);
      assertHttpsUrl('issuer', issuer);
      assertDnsLabel('namespace', namespace);
      assertDnsSubdomain('serviceAccount', serviceAccount);
      if (!audience || audience.length > 600)
        fail('audience', 'must be 1-600 characters');
      const subscriptionId = resolveSubscription(
        options.azure,
        ctx.input.subscriptionId,
      );
      const msi = options.azure.msi(subscriptionId);
      const subject = `system:serviceaccount:${namespace}:${serviceAccount}`;
      const desired = { issuer, subject, audiences: [audience] };
      const identityKey =
        `${subscriptionId}/${resourceGroup}/${identityName}`.toLowerCase();

      // In a dry-run the identity may be one that an earlier step would create.
      const existing = await listAll(
        msi.federatedIdentityCredentials.list(resourceGroup, identityName),
        {
          notFoundAsEmpty: Boolean(ctx.isDryRun),
        },
      );
      const sameName = existing.find(c => c.name === name);
      const sameSubject = existing.find(
        c => c.name !== name && c.issuer === issuer && c.subject === subject,
      );
      if (!sameName && sameSubject) {
        // Azure allows one credential per issuer+subject: the trust exists already, under another name.
        ctx.logger.warn(
          `unchanged: credential ${sameSubject.name} on ${identityName} already trusts ${subject}; not creating ${name}`,
        );
        ctx.output('name', sameSubject.name!);
        ctx.output('subject', subject);
        return;
      }
      if (!sameName && existing.length >= MAX_FEDERATED_CREDENTIALS) {
        throw new Error(
          `Identity ${identityName} already has ${existing.length} federated credentials, the maximum of ${MAX_FEDERATED_CREDENTIALS}; remove one first`,
        );
      }
      const change = planFor(
        `Microsoft.ManagedIdentity/userAssignedIdentities/${identityName}/federatedIdentityCredentials/${name}`,
        sameName && {
          issuer: sameName.issuer,
          subject: sameName.subject,
          audiences: sameName.audiences,
        },
        desired,
      );
      logChange(ctx.logger, change, Boolean(ctx.isDryRun));
      if (!ctx.isDryRun && change.action !== 'unchanged') {
        await ctx.checkpoint({
          key: `azure.identity.federate.${identityKey}.${name}`,
          fn: () =>
            writes.run(identityKey, () =>
              withRetry(
                async () => {
                  await msi.federatedIdentityCredentials.createOrUpdate(
                    resourceGroup,
                    identityName,
                    name,
                    desired,
                  );
                },
                {
                  what: `federated credential ${name}`,
                  logger: ctx.logger,
                  initialDelayMs: 500,
                  retryable: e =>
                    azureCode(e) ===
                    'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity',
                },
              ),
            ),
        });
      }
      ctx.output('name', name);
      ctx.output('subject', subject);
    },
  });
}
