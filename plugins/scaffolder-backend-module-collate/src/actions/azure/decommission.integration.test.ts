import { ConfigReader } from '@backstage/config';
import { randomUUID } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { ContainerClient } from '@azure/storage-blob';
import {
  startArmContractServer,
  testEnv,
  type ArmContractServer,
} from '@internal/testenv';
import { createAzureClients, type AzureClients } from '../../lib/azure';
import { runAction } from '../../__testUtils__/context';
import { createAzureIdentityCreateAction } from './identityCreate';
import { createAzureIdentityFederateAction } from './identityFederate';
import { createAzureRoleAssignAction } from './roleAssign';
import { createAzureStorageEnsureAction } from './storageEnsure';
import { createAzureAksWorkloadIdentityAction } from './aksWorkloadIdentity';
import { createAzureRoleDeleteAssignmentsAction } from './roleDeleteAssignments';
import { createAzureIdentityDeleteAction } from './identityDelete';
import { createAzureStorageDeleteAction } from './storageDelete';

// Guide 000's Azure resources created for one deployment, then decommissioned, beside resources that are not its own
// in the same resource group: the ARM contract server, with the OAuth Azurite as the storage accounts' data plane.
describe('Azure decommission against the ARM contract server and Azurite', () => {
  const deployment = 'collate-az';
  const subscriptionId = randomUUID();
  const resourceGroup = 'collate-rg';
  const rg = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers`;
  const identityId = (name: string) =>
    `${rg}/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
  const accountId = (name: string) =>
    `${rg}/Microsoft.Storage/storageAccounts/${name}`;
  const containerId = (account: string, name: string) =>
    `${accountId(account)}/blobServices/default/containers/${name}`;
  // The guide's four identities; argo-workflows-controller exists beforehand (someone else's): adopted.
  const IDENTITIES = {
    'collate-application': ['collate', 'openmetadata'],
    'collate-ingestion': ['collate', 'om-role'],
    'argo-workflows-server': ['argo-workflows', 'argo-workflows-server-sa'],
    'argo-workflows-controller': [
      'argo-workflows',
      'argo-workflows-controller-sa',
    ],
  } as const;
  let arm: ArmContractServer;
  let azure: AzureClients;
  let create: {
    aks: ReturnType<typeof createAzureAksWorkloadIdentityAction>;
    storage: ReturnType<typeof createAzureStorageEnsureAction>;
    identity: ReturnType<typeof createAzureIdentityCreateAction>;
    federate: ReturnType<typeof createAzureIdentityFederateAction>;
    role: ReturnType<typeof createAzureRoleAssignAction>;
  };
  let remove: {
    roles: ReturnType<typeof createAzureRoleDeleteAssignmentsAction>;
    identities: ReturnType<typeof createAzureIdentityDeleteAction>;
    storage: ReturnType<typeof createAzureStorageDeleteAction>;
  };
  const blobs = (account: string, container: string) =>
    azure.blobContainer(
      `${
        arm.resource(accountId(account))!.properties.primaryEndpoints.blob
      }${container}`,
    );
  // What someone else made in the same resource group, before the deployment.
  const others: Record<string, any> = {};

  beforeAll(async () => {
    arm = await startArmContractServer({
      tls: testEnv.tls(),
      blobDataPlane: testEnv.azuriteDataPlane(0),
    });
    azure = createAzureClients(
      new ConfigReader({
        collate: { azure: arm.backstageConfig(subscriptionId) },
      }),
    );
    create = {
      aks: createAzureAksWorkloadIdentityAction({ azure }),
      storage: createAzureStorageEnsureAction({ azure }),
      identity: createAzureIdentityCreateAction({ azure }),
      federate: createAzureIdentityFederateAction({ azure }),
      role: createAzureRoleAssignAction({ azure }),
    };
    remove = {
      roles: createAzureRoleDeleteAssignmentsAction({ azure }),
      identities: createAzureIdentityDeleteAction({ azure }),
      storage: createAzureStorageDeleteAction({ azure }),
    };
    arm.seedManagedCluster({ subscriptionId, resourceGroup, name: 'aks' });

    others.controller = (
      await runAction(create.identity, {
        resourceGroup,
        name: 'argo-workflows-controller',
        location: 'westeurope',
      })
    ).outputs;
    others.identity = (
      await runAction(create.identity, {
        resourceGroup,
        name: 'data-team-reader',
        location: 'westeurope',
      })
    ).outputs;
    others.storage = (
      await runAction(create.storage, {
        resourceGroup,
        accountName: 'datateamstore',
        location: 'westeurope',
        containerName: 'data',
      })
    ).outputs;
    others.role = (
      await runAction(create.role, {
        scope: others.storage.containerId,
        principalId: others.identity.principalId,
        role: 'Storage Blob Data Reader',
      })
    ).outputs;
    await blobs('datateamstore', 'data')
      .getBlockBlobClient('report.csv')
      .upload('a,b\n', 4);
  });
  afterAll(() => arm.close());

  /** The deployment's create steps, as the Collate on Azure AKS template runs them. */
  async function createDeployment() {
    const aks = await runAction(create.aks, {
      resourceGroup,
      clusterName: 'aks',
      enable: true,
    });
    const storage = await runAction(create.storage, {
      resourceGroup,
      accountName: 'collateaz',
      location: 'westeurope',
      deployment,
    });
    // Its own container in the data team's account (adopted): only the container is its to delete.
    const shared = await runAction(create.storage, {
      resourceGroup,
      accountName: 'datateamstore',
      location: 'westeurope',
      containerName: 'collate-az-logs',
      deployment,
      adopt: true,
    });
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const [name, [namespace, serviceAccount]] of Object.entries(
      IDENTITIES,
    )) {
      outputs[name] = (
        await runAction(create.identity, {
          resourceGroup,
          name,
          location: 'westeurope',
          deployment,
          // Someone else's identity, there before: used only because the step says so.
          ...(name === 'argo-workflows-controller' ? { adopt: true } : {}),
        })
      ).outputs;
      await runAction(create.federate, {
        resourceGroup,
        identityName: name,
        name,
        issuer: aks.outputs.issuerUrl,
        namespace,
        serviceAccount,
      });
      await runAction(create.role, {
        scope: storage.outputs.containerId,
        principalId: outputs[name].principalId,
        role: 'Storage Blob Data Contributor',
        deployment,
      });
    }
    return { storage: storage.outputs, shared: shared.outputs, outputs };
  }

  const decommission = async (
    options: { isDryRun?: boolean; force?: boolean } = {},
  ) => {
    const input = { deployment, resourceGroup };
    const roles = await runAction(remove.roles, input, options);
    const identities = await runAction(remove.identities, input, options);
    const storage = await runAction(
      remove.storage,
      { ...input, force: options.force ?? false },
      options,
    );
    return {
      roles: roles.outputs,
      identities: identities.outputs,
      storage: storage.outputs,
      log: [
        ...roles.logger.lines,
        ...identities.logger.lines,
        ...storage.logger.lines,
      ],
    };
  };

  it('marks what it creates and adopts what exists', async () => {
    const { storage, shared, outputs } = await createDeployment();
    expect(storage.owned).toBe(true);
    expect(arm.resource(accountId('collateaz'))?.tags).toEqual({
      'collate.io_deployment': deployment,
    });
    expect(shared).toMatchObject({ owned: false, containerOwned: true });
    expect(arm.resource(accountId('datateamstore'))?.tags).toEqual({});
    expect(
      arm.resource(containerId('datateamstore', 'collate-az-logs'))?.properties
        .metadata,
    ).toEqual({ collate_deployment: deployment });
    expect(outputs['collate-ingestion'].owned).toBe(true);
    expect(outputs['argo-workflows-controller'].owned).toBe(false);
    expect(arm.resource(identityId('argo-workflows-controller'))?.tags).toEqual(
      {},
    );
    expect(arm.resource(identityId('collate-application'))?.tags).toEqual({
      'collate.io_deployment': deployment,
    });

    // A second create run marks nothing more and changes nothing.
    const before = arm.mutatingCalls().length;
    await createDeployment();
    expect(arm.mutatingCalls().length).toBe(before);
  });

  it('dry-run lists exactly what would be deleted and writes nothing', async () => {
    await blobs('collateaz', 'argo-workflows')
      .getBlockBlobClient('workflow-1/main.log')
      .upload('done\n', 5);
    const before = arm.mutatingCalls().length;
    const plan = await decommission({ isDryRun: true });
    expect(arm.mutatingCalls().length).toBe(before);
    // The four grants it made (the adopted identity's included), each identity of its own with its credential.
    expect(plan.roles.assignments).toHaveLength(4);
    expect(plan.identities.identities).toEqual([
      'argo-workflows-server',
      'collate-application',
      'collate-ingestion',
    ]);
    expect(plan.identities.federatedCredentials).toEqual([
      'argo-workflows-server/argo-workflows-server',
      'collate-application/collate-application',
      'collate-ingestion/collate-ingestion',
    ]);
    // Its account holds a blob: kept unless forced; its container in the adopted account is empty.
    expect(plan.storage).toEqual({
      accounts: [],
      containers: ['datateamstore/collate-az-logs'],
      kept: ['collateaz'],
    });
    expect(plan.log).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /would delete role assignment 'Storage Blob Data Contributor' for collate-ingestion at .*collateaz/,
        ),
        expect.stringMatching(
          /would delete role assignment 'Storage Blob Data Contributor' for principal .* at .*collateaz/,
        ),
        expect.stringMatching(
          /would delete federated credential collate-ingestion of collate-ingestion \(system:serviceaccount:collate:om-role\)/,
        ),
        expect.stringMatching(
          /kept: storage account collateaz has blobs in argo-workflows \(workflow-1\/main\.log\); set force/,
        ),
      ]),
    );
    const deletions = plan.log.filter(l => l.includes('would delete'));
    expect(deletions).toHaveLength(4 + 6 + 1);
    for (const notOurs of [
      'data-team-reader',
      'delete storage account datateamstore',
      'datateamstore/data',
      'managed identity argo-workflows-controller',
      'credential argo-workflows-controller',
    ])
      expect(deletions.filter(l => l.includes(notOurs))).toEqual([]);
  });

  it("deletes the deployment's resources, keeps everyone else's, and a second run changes nothing", async () => {
    const kept = await decommission();
    expect(kept.storage.kept).toEqual(['collateaz']);
    expect(arm.resource(accountId('collateaz'))).toBeDefined();
    expect(
      arm.resource(containerId('datateamstore', 'collate-az-logs')),
    ).toBeUndefined();
    expect(await blobs('datateamstore', 'collate-az-logs').exists()).toBe(
      false,
    );

    const forced = await decommission({ force: true });
    expect(forced.storage.accounts).toEqual(['collateaz']);
    expect(arm.resource(accountId('collateaz'))).toBeUndefined();

    for (const name of [
      'collate-application',
      'collate-ingestion',
      'argo-workflows-server',
    ])
      expect(arm.resource(identityId(name))).toBeUndefined();
    // The adopted identity stays, with the credential it was given (it carries no marker); its grant is gone.
    expect(arm.resource(identityId('argo-workflows-controller'))).toBeDefined();
    expect(
      arm.resource(
        `${identityId(
          'argo-workflows-controller',
        )}/federatedIdentityCredentials/argo-workflows-controller`,
      ),
    ).toBeDefined();
    // Someone else's identity, grant, account, container and blob are untouched.
    expect(arm.resource(identityId('data-team-reader'))).toBeDefined();
    expect(arm.resource(others.role.id)).toBeDefined();
    expect(arm.resource(containerId('datateamstore', 'data'))).toBeDefined();
    expect(await blobs('datateamstore', 'data').exists()).toBe(true);
    const remaining = [];
    for await (const assignment of azure
      .authorization(subscriptionId)
      .roleAssignments.listForSubscription())
      remaining.push(assignment.id);
    expect(remaining).toEqual([others.role.id]);

    const before = arm.mutatingCalls().length;
    const again = await decommission({ force: true });
    expect(arm.mutatingCalls().length).toBe(before);
    expect(again.roles.assignments).toEqual([]);
    expect(again.identities.identities).toEqual([]);
    expect(again.storage).toEqual({ accounts: [], containers: [], kept: [] });
  });

  it('says how to proceed when it may not read the blobs', async () => {
    await runAction(create.storage, {
      resourceGroup,
      accountName: 'collatedenied',
      location: 'westeurope',
      deployment,
    });
    // Azure Storage refuses a token it does not accept (here one issued for ARM, not for storage): 403.
    const cfg = arm.backstageConfig(subscriptionId);
    const armCredential = new ClientSecretCredential(
      cfg.tenantId,
      cfg.clientId,
      cfg.clientSecret,
      { authorityHost: cfg.authorityHost, disableInstanceDiscovery: true },
    );
    const denied = createAzureStorageDeleteAction({
      azure: {
        ...azure,
        blobContainer: url =>
          new ContainerClient(url, {
            getToken: () =>
              armCredential.getToken(`${cfg.resourceManagerEndpoint}/.default`),
          }),
      },
    });
    await expect(
      runAction(denied, { deployment, resourceGroup }),
    ).rejects.toThrow(
      /cannot tell whether blob container collatedenied\/argo-workflows is empty \(AuthenticationFailed\).*Storage Blob Data Reader.*force/,
    );
  });
});
