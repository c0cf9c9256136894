import { ConfigReader } from '@backstage/config';
import { randomUUID } from 'node:crypto';
import {
  startArmContractServer,
  testEnv,
  type ArmContractServer,
} from '@internal/testenv';
import { createAzureClients } from '../../lib/azure';
import { actionContext } from '../../__testUtils__/context';
import { createAzureIdentityCreateAction } from './identityCreate';
import { createAzureIdentityFederateAction } from './identityFederate';
import { createAzureRoleAssignAction, roleAssignmentName } from './roleAssign';
import { createAzureStorageEnsureAction } from './storageEnsure';
import { createAzureAksWorkloadIdentityAction } from './aksWorkloadIdentity';

// Guide 000's identity chain end to end through the real Azure SDK against the ARM contract server.
describe('Azure actions against the ARM contract server', () => {
  let arm: ArmContractServer;
  let actions: {
    identity: ReturnType<typeof createAzureIdentityCreateAction>;
    federate: ReturnType<typeof createAzureIdentityFederateAction>;
    role: ReturnType<typeof createAzureRoleAssignAction>;
    storage: ReturnType<typeof createAzureStorageEnsureAction>;
    aks: ReturnType<typeof createAzureAksWorkloadIdentityAction>;
  };
  const subscriptionId = randomUUID();
  const resourceGroup = 'collate-rg';
  const IDENTITIES = [
    'collate-application',
    'collate-ingestion',
    'argo-workflows-server',
    'argo-workflows-controller',
  ];
  // Guide 000: credential names and subjects exactly as written there.
  const FEDERATIONS = [
    {
      identityName: 'collate-application',
      name: 'collate-application',
      namespace: 'collate',
      serviceAccount: 'openmetadata',
    },
    {
      identityName: 'collate-ingestion',
      name: 'collate-application',
      namespace: 'collate',
      serviceAccount: 'om-role',
    },
    {
      identityName: 'argo-workflows-server',
      name: 'argo-workflows-server',
      namespace: 'argo-workflows',
      serviceAccount: 'argo-workflows-server-sa',
    },
    {
      identityName: 'argo-workflows-controller',
      name: 'argo-workflows-controller',
      namespace: 'argo-workflows',
      serviceAccount: 'argo-workflows-controller-sa',
    },
  ];
  const ROLES: Record<string, string> = {
    'collate-application': 'Storage Blob Data Contributor',
    'collate-ingestion': 'Storage Blob Data Contributor',
    'argo-workflows-server': 'Storage Blob Data Reader',
    'argo-workflows-controller': 'Storage Blob Data Reader',
  };

  beforeAll(async () => {
    arm = await startArmContractServer({ tls: testEnv.tls() });
    const config = new ConfigReader({
      collate: {
        azure: arm.backstageConfig(subscriptionId),
      },
    });
    const azure = createAzureClients(config);
    actions = {
      identity: createAzureIdentityCreateAction({ azure }),
      federate: createAzureIdentityFederateAction({ azure }),
      role: createAzureRoleAssignAction({
        azure,
        principalRetry: { initialDelayMs: 300 },
      }),
      storage: createAzureStorageEnsureAction({ azure }),
      aks: createAzureAksWorkloadIdentityAction({ azure }),
    };
    arm.seedManagedCluster({
      subscriptionId,
      resourceGroup,
      name: 'collate-aks',
    });
  });
  afterAll(() => arm.close());

  /** Runs guide 000's identity steps; returns every output. */
  async function runTopology(options: { isDryRun?: boolean } = {}) {
    const run = async (
      action: { handler: (ctx: never) => Promise<void> },
      input: Record<string, unknown>,
    ) => {
      const c = actionContext(input as never, options);
      await action.handler(c.ctx as never);
      return c;
    };
    const aks = await run(actions.aks, {
      resourceGroup,
      clusterName: 'collate-aks',
      enable: true,
    });
    const storage = await run(actions.storage, {
      resourceGroup,
      accountName: 'collate',
      location: 'westeurope',
      sku: 'Standard_LRS',
      containerName: 'argo-workflows',
    });
    const identities: Record<string, Record<string, unknown>> = {};
    for (const name of IDENTITIES) {
      identities[name] = (
        await run(actions.identity, {
          resourceGroup,
          name,
          location: 'westeurope',
        })
      ).outputs;
    }
    // Federated credentials go out in parallel: the action serializes writes per identity.
    await Promise.all(
      FEDERATIONS.map(f =>
        run(actions.federate, {
          resourceGroup,
          ...f,
          issuer: aks.outputs.issuerUrl,
          audience: 'api://AzureADTokenExchange',
        }),
      ),
    );
    const roles = [];
    for (const name of IDENTITIES) {
      roles.push(
        (
          await run(actions.role, {
            scope: storage.outputs.containerId,
            principalId: identities[name].principalId,
            role: ROLES[name],
            principalType: 'ServicePrincipal',
          })
        ).outputs,
      );
    }
    return { aks: aks.outputs, storage: storage.outputs, identities, roles };
  }

  it('dry-run on an empty subscription changes nothing', async () => {
    const before = arm.mutatingCalls().length;
    const plan = await runTopology({ isDryRun: true });
    expect(arm.mutatingCalls().length).toBe(before);
    expect(plan.identities['collate-ingestion'].principalId).toBe(
      '00000000-0000-0000-0000-000000000000',
    );
  });

  it("creates the topology with the guide's names, subjects and roles, despite PrincipalNotFound and 429", async () => {
    arm.setPrincipalReplicationDelay(800);
    arm.throttle(/roleAssignments/, 2, 1);
    const out = await runTopology();
    arm.setPrincipalReplicationDelay(0);
    expect(out.aks.issuerUrl).toMatch(
      /^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//,
    );
    expect(out.storage).toMatchObject({
      blobEndpoint: 'https://collate.blob.core.windows.net/',
      containerId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/collate/blobServices/default/containers/argo-workflows`,
    });
    for (const f of FEDERATIONS) {
      const fic = arm.resource(
        `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${f.identityName}/federatedIdentityCredentials/${f.name}`,
      );
      expect(fic?.properties).toEqual({
        issuer: out.aks.issuerUrl,
        subject: `system:serviceaccount:${f.namespace}:${f.serviceAccount}`,
        audiences: ['api://AzureADTokenExchange'],
      });
    }
    for (const [i, name] of IDENTITIES.entries()) {
      const principalId = out.identities[name].principalId as string;
      const roleGuid = {
        'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
        'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
      }[ROLES[name]]!;
      expect(out.roles[i].name).toBe(
        roleAssignmentName(
          out.storage.containerId as string,
          principalId,
          roleGuid,
        ),
      );
      expect(arm.resource(out.roles[i].id as string)?.properties).toMatchObject(
        { principalId, principalType: 'ServicePrincipal' },
      );
    }
  });

  it('a second run makes zero mutating calls and gives the same outputs', async () => {
    const first = await runTopology();
    const before = arm.mutatingCalls().length;
    const second = await runTopology();
    expect(arm.mutatingCalls().length).toBe(before);
    expect(second).toEqual(first);
  });

  it('repairs a drifted federated credential with one write', async () => {
    const aks = actionContext({
      resourceGroup,
      clusterName: 'collate-aks',
      enable: false,
    } as never);
    await actions.aks.handler(aks.ctx as never);
    const before = arm.mutatingCalls().length;
    const c = actionContext({
      resourceGroup,
      identityName: 'collate-ingestion',
      name: 'collate-application',
      issuer: aks.outputs.issuerUrl,
      namespace: 'collate',
      serviceAccount: 'om-role-renamed',
      audience: 'api://AzureADTokenExchange',
    } as never);
    await actions.federate.handler(c.ctx as never);
    expect(arm.mutatingCalls().length).toBe(before + 1);
    expect(
      c.logger.lines.some(
        l => l.includes('updating') && l.includes('om-role-renamed'),
      ),
    ).toBe(true);
  });

  it('refuses a 21st federated credential before calling Azure', async () => {
    const identity = actionContext({
      resourceGroup,
      name: 'crowded',
      location: 'westeurope',
    } as never);
    await actions.identity.handler(identity.ctx as never);
    const aks = actionContext({
      resourceGroup,
      clusterName: 'collate-aks',
      enable: false,
    } as never);
    await actions.aks.handler(aks.ctx as never);
    for (let i = 0; i < 20; i++) {
      const c = actionContext({
        resourceGroup,
        identityName: 'crowded',
        name: `fic-${i}`,
        issuer: aks.outputs.issuerUrl,
        namespace: 'ns',
        serviceAccount: `sa${i}`,
        audience: 'api://AzureADTokenExchange',
      } as never);
      await actions.federate.handler(c.ctx as never);
    }
    const before = arm.mutatingCalls().length;
    const c = actionContext({
      resourceGroup,
      identityName: 'crowded',
      name: 'fic-20',
      issuer: aks.outputs.issuerUrl,
      namespace: 'ns',
      serviceAccount: 'sa20',
      audience: 'api://AzureADTokenExchange',
    } as never);
    await expect(actions.federate.handler(c.ctx as never)).rejects.toThrow(
      /maximum of 20/,
    );
    expect(arm.mutatingCalls().length).toBe(before);
  });
});
