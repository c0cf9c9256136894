import { ClientSecretCredential } from '@azure/identity';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { StorageManagementClient } from '@azure/arm-storage';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { SecretClient } from '@azure/keyvault-secrets';
import { randomUUID } from 'node:crypto';
import { testEnv } from '../env';
import {
  BUILT_IN_ROLES,
  startArmContractServer,
  type ArmContractServer,
} from '../contract/arm.ts';

// The real Azure SDK clients against the ARM contract server: token from its Entra ID endpoint, then ARM calls.
describe('ARM contract server, through the Azure SDK', () => {
  let arm: ArmContractServer;
  const subscriptionId = randomUUID();
  const rg = 'collate-rg';
  let clientOptions: { endpoint: string; credentialScopes: string[] };
  let credential: ClientSecretCredential;

  beforeAll(async () => {
    arm = await startArmContractServer({ tls: testEnv.tls() });
    credential = new ClientSecretCredential(
      arm.tenantId,
      arm.clientId,
      arm.clientSecret,
      {
        authorityHost: arm.url,
        disableInstanceDiscovery: true,
      },
    );
    clientOptions = {
      endpoint: arm.url,
      credentialScopes: [`${arm.url}/.default`],
    };
  });
  afterAll(() => arm.close());

  it('issues tokens only to its client and rejects calls without one', async () => {
    const wrong = new ClientSecretCredential(
      arm.tenantId,
      arm.clientId,
      'wrong-secret',
      {
        authorityHost: arm.url,
        disableInstanceDiscovery: true,
      },
    );
    const msi = new ManagedServiceIdentityClient(
      wrong,
      subscriptionId,
      clientOptions,
    );
    await expect(msi.userAssignedIdentities.get(rg, 'x')).rejects.toThrow(
      /invalid client secret|AADSTS7000215/i,
    );
    const res = await fetch(
      `${arm.url}/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x?api-version=2024-11-30`,
    );
    expect(res.status).toBe(401);
  });

  it('creates identities and federated credentials with the documented failure modes', async () => {
    const msi = new ManagedServiceIdentityClient(
      credential,
      subscriptionId,
      clientOptions,
    );
    const identity = await msi.userAssignedIdentities.createOrUpdate(
      rg,
      'collate-ingestion',
      { location: 'westeurope' },
    );
    expect(identity.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(identity.tenantId).toBe(arm.tenantId);
    await expect(
      msi.userAssignedIdentities.get(rg, 'missing'),
    ).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });

    const fic = (subject: string) => ({
      issuer: 'https://westeurope.oic.prod-aks.azure.com/tenant/issuer/',
      subject,
      audiences: ['api://AzureADTokenExchange'],
    });
    await msi.federatedIdentityCredentials.createOrUpdate(
      rg,
      'collate-ingestion',
      'a',
      fic('system:serviceaccount:collate:om-role'),
    );
    // Concurrent writes to one identity: one wins, the other gets 409.
    const results = await Promise.allSettled([
      msi.federatedIdentityCredentials.createOrUpdate(
        rg,
        'collate-ingestion',
        'b',
        fic('system:serviceaccount:collate:b'),
      ),
      msi.federatedIdentityCredentials.createOrUpdate(
        rg,
        'collate-ingestion',
        'c',
        fic('system:serviceaccount:collate:c'),
      ),
    ]);
    expect(results.map(r => r.status).sort()).toEqual([
      'fulfilled',
      'rejected',
    ]);
    const rejected = results.find(
      r => r.status === 'rejected',
    ) as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({
      statusCode: 409,
      code: 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity',
    });
    // Duplicate issuer+subject under another name: 400.
    await expect(
      msi.federatedIdentityCredentials.createOrUpdate(
        rg,
        'collate-ingestion',
        'dup',
        fic('system:serviceaccount:collate:om-role'),
      ),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('limits an identity to 20 federated credentials', async () => {
    const msi = new ManagedServiceIdentityClient(
      credential,
      subscriptionId,
      clientOptions,
    );
    await msi.userAssignedIdentities.createOrUpdate(rg, 'many', {
      location: 'westeurope',
    });
    for (let i = 0; i < 20; i++) {
      await msi.federatedIdentityCredentials.createOrUpdate(
        rg,
        'many',
        `f${i}`,
        {
          issuer: 'https://issuer.example/',
          subject: `system:serviceaccount:ns:sa${i}`,
          audiences: ['api://AzureADTokenExchange'],
        },
      );
    }
    await expect(
      msi.federatedIdentityCredentials.createOrUpdate(rg, 'many', 'f20', {
        issuer: 'https://issuer.example/',
        subject: 'system:serviceaccount:ns:sa20',
        audiences: ['api://AzureADTokenExchange'],
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('answers PrincipalNotFound during replication, then assigns; a twin assignment is 409', async () => {
    arm.setPrincipalReplicationDelay(1500);
    const msi = new ManagedServiceIdentityClient(
      credential,
      subscriptionId,
      clientOptions,
    );
    const storage = new StorageManagementClient(
      credential,
      subscriptionId,
      clientOptions,
    );
    const auth = new AuthorizationManagementClient(
      credential,
      subscriptionId,
      clientOptions,
    );
    const identity = await msi.userAssignedIdentities.createOrUpdate(
      rg,
      'argo-workflows-server',
      { location: 'westeurope' },
    );
    await storage.storageAccounts.beginCreateAndWait(rg, 'collateartifacts', {
      location: 'westeurope',
      kind: 'StorageV2',
      sku: { name: 'Standard_LRS' },
    });
    const container = await storage.blobContainers.create(
      rg,
      'collateartifacts',
      'argo-workflows',
      {},
    );
    const defs = [];
    for await (const d of auth.roleDefinitions.list(
      `/subscriptions/${subscriptionId}`,
      { filter: "roleName eq 'Storage Blob Data Reader'" },
    ))
      defs.push(d);
    expect(defs.map(d => d.name)).toEqual([
      BUILT_IN_ROLES['Storage Blob Data Reader'],
    ]);

    const params = {
      roleDefinitionId: defs[0].id!,
      principalId: identity.principalId!,
      principalType: 'ServicePrincipal',
    };
    await expect(
      auth.roleAssignments.create(container.id!, randomUUID(), params),
    ).rejects.toMatchObject({ code: 'PrincipalNotFound' });
    await new Promise(r => setTimeout(r, 1600));
    const name = randomUUID();
    const created = await auth.roleAssignments.create(
      container.id!,
      name,
      params,
    );
    expect(created.principalId).toBe(identity.principalId);
    await expect(
      auth.roleAssignments.create(container.id!, randomUUID(), params),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'RoleAssignmentExists',
    });
    arm.setPrincipalReplicationDelay(0);
  });

  it('throttles with 429 and Retry-After, which the SDK honours', async () => {
    const msi = new ManagedServiceIdentityClient(
      credential,
      subscriptionId,
      clientOptions,
    );
    await msi.userAssignedIdentities.createOrUpdate(rg, 'throttled', {
      location: 'westeurope',
    });
    arm.throttle(/userAssignedIdentities\/throttled$/, 1, 1);
    const before = arm.calls.length;
    const started = Date.now();
    const got = await msi.userAssignedIdentities.get(rg, 'throttled');
    expect(got.name).toBe('throttled');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(arm.calls.slice(before).map(c => c.status)).toEqual([429, 200]);
  });

  it('reports and enables the AKS OIDC issuer and workload identity', async () => {
    arm.seedManagedCluster({
      subscriptionId,
      resourceGroup: rg,
      name: 'aks-dev',
      kubernetesVersion: '1.33.2',
    });
    const aks = new ContainerServiceClient(
      credential,
      subscriptionId,
      clientOptions,
    );
    const before = await aks.managedClusters.get(rg, 'aks-dev');
    expect(before.oidcIssuerProfile?.enabled).toBe(false);
    const after = await aks.managedClusters.beginCreateOrUpdateAndWait(
      rg,
      'aks-dev',
      {
        ...before,
        oidcIssuerProfile: { enabled: true },
        securityProfile: { workloadIdentity: { enabled: true } },
      },
    );
    expect(after.oidcIssuerProfile?.issuerURL).toMatch(
      /^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//,
    );
    expect(after.securityProfile?.workloadIdentity?.enabled).toBe(true);
  });
});

describe('ARM contract server: Key Vault, through the Azure SDK', () => {
  let arm: ArmContractServer;

  beforeAll(async () => {
    arm = await startArmContractServer({ tls: testEnv.tls() });
  });
  afterAll(() => arm.close());

  it('creates a vault and stores secrets behind the Key Vault auth challenge', async () => {
    const subscriptionId = randomUUID();
    const credential = new ClientSecretCredential(
      arm.tenantId,
      arm.clientId,
      arm.clientSecret,
      {
        authorityHost: arm.url,
        disableInstanceDiscovery: true,
      },
    );
    const kv = new KeyVaultManagementClient(credential, subscriptionId, {
      endpoint: arm.url,
      credentials: { scopes: [`${arm.url}/.default`] },
    });
    const vault = await kv.vaults.createOrUpdate(
      'collate-rg',
      'collate-runner-kv',
      {
        location: 'westeurope',
        properties: {
          tenantId: arm.tenantId,
          sku: { family: 'A', name: 'standard' },
          enableRbacAuthorization: true,
        },
      },
    );
    // A vault is a host of its own.
    expect(vault.properties.vaultUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const secrets = new SecretClient(vault.properties.vaultUri!, credential, {
      disableChallengeResourceVerification: true,
    });
    await secrets.setSecret('my-db-password', 's3cr3t-value');
    expect((await secrets.getSecret('my-db-password')).value).toBe(
      's3cr3t-value',
    );
    await expect(secrets.getSecret('missing')).rejects.toMatchObject({
      statusCode: 404,
    });
    // Without a token the data plane answers the challenge.
    const res = await fetch(
      `${vault.properties.vaultUri}secrets/my-db-password?api-version=7.5`,
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      'resource="https://vault.azure.net"',
    );
  });
});
