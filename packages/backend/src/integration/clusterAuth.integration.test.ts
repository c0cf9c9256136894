// Clusters and auth come from Backstage's Kubernetes plugin configuration, through the plugin's own cluster
// suppliers and auth strategies, against the real API server of the test environment:
// - `serviceAccount` (a token in config), `azure` (a token from Microsoft Entra: the ARM contract server's Entra
//   endpoint issues it, the API server trusts that issuer through its structured authentication configuration),
//   clusters from the `config` and the `catalog` locators: for the scaffolder actions and for the status backend;
// - `oidc` (the signed-in user's own token, minted by a test OIDC issuer the API server trusts the same way): for
//   the status backend only; the actions refuse it with an InputError naming the server-side providers.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { ClientSecretCredential } from '@azure/identity';
import { AzureIdentityStrategy } from '@backstage/plugin-kubernetes-backend';
import {
  KubernetesClusters,
  collateClusterAuthExtensionPoint,
  kubeConfigFromDetails,
} from '@collate-backstage/plugin-collate-node';
import { createCollateActions } from '@collate-backstage/plugin-scaffolder-backend-module-collate';
import collateBackend from '@collate-backstage/plugin-collate-backend';
import type { CollateServerStatus } from '@collate-backstage/plugin-collate-common';
import { AuthenticationV1Api, CoreV1Api } from '@kubernetes/client-node';
import {
  adminKubeConfig,
  BACKSTAGE_SERVICE_ACCOUNT,
  chartPath,
  installFixtureRelease,
  kubernetesWrites,
  startArmContractServer,
  startOidcIssuer,
  testEnv,
  type ArmContractServer,
  type OidcIssuer,
} from '@internal/testenv';
import request from 'supertest';

const suffix = randomBytes(3).toString('hex');
const ns = `auth-${suffix}`;
const k8s = testEnv.kubernetes();
const issuers = testEnv.tokenIssuers();
const caData = readFileSync(k8s.caFile).toString('base64');

/** A kubernetes-cluster Resource as the Kubernetes plugin's `catalog` locator reads it. */
const catalogCluster: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'aks-from-catalog',
    namespace: 'default',
    annotations: {
      'kubernetes.io/api-server': k8s.url,
      'kubernetes.io/api-server-certificate-authority': caData,
      'kubernetes.io/auth-provider': 'azure',
    },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/platform-team' },
};

const kubernetesConfig = {
  serviceLocatorMethod: { type: 'multiTenant' },
  clusterLocatorMethods: [
    {
      type: 'config',
      clusters: [
        {
          name: 'with-service-account',
          url: k8s.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: k8s.backstageToken,
          caData,
        },
        { name: 'aks-entra', url: k8s.url, authProvider: 'azure', caData },
        {
          name: 'corp-oidc',
          url: k8s.url,
          authProvider: 'oidc',
          oidcTokenProvider: 'corp',
          caData,
        },
      ],
    },
    // The catalog locator refuses private API server addresses unless allowed, as in a real portal.
    { type: 'catalog', dangerouslyAllowClusterUrls: ['127.0.0.1'] },
  ],
};

function system(cluster: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: `collate-on-${cluster}`,
      namespace: 'default',
      annotations: {
        // Set by the catalog for what the Collate actions registered.

        'backstage.io/managed-by-origin-location': `collate-deployment:collate-on-${cluster}`,
        'collate.io/component': 'server',
        'collate.io/kubernetes-cluster': cluster,
        'collate.io/namespace': ns,
        'collate.io/server-release': 'openmetadata',
      },
    },
    spec: { owner: 'group:default/platform-team' },
  };
}

/** Polls a SelfSubjectReview with `token` until the API server authenticates it (at most two minutes). */
async function untilApiServerAccepts(token: string) {
  const kc = kubeConfigFromDetails(
    { name: 'probe', url: k8s.url, caData, authMetadata: {} },
    { type: 'bearer token', token },
  );
  const api = kc.makeApiClient(AuthenticationV1Api);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await api.createSelfSubjectReview({
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'SelfSubjectReview',
        },
      });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(r => setTimeout(r, 1000));
    }
  }
}

describe('clusters and auth of the Kubernetes plugin configuration', () => {
  let arm: ArmContractServer;
  let oidc: OidcIssuer;

  /**
   * The Kubernetes plugin's own `azure` strategy, with the credential an Entra app registration gives. A real
   * portal's DefaultAzureCredential reads the same values from AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET,
   * but first asks login.microsoftonline.com for instance discovery, which this machine cannot reach: the credential
   * is made with instance discovery off and handed to the strategy, as a portal on a sovereign cloud would.
   */
  function azureStrategy() {
    return new AzureIdentityStrategy(
      mockServices.logger.mock(),
      new ClientSecretCredential(arm.tenantId, arm.clientId, arm.clientSecret, {
        authorityHost: arm.url,
        disableInstanceDiscovery: true,
      }),
    );
  }

  beforeAll(async () => {
    // The issuers the API server trusts listen on the ports its authentication configuration names.
    arm = await startArmContractServer({
      tls: testEnv.tls(),
      port: issuers.entraPort,
      tenantId: issuers.entraTenant,
      servicePrincipalObjectId: issuers.entraBackstageObjectId,
    });
    oidc = await startOidcIssuer({
      tls: testEnv.tls(),
      port: issuers.oidcPort,
    });

    await installFixtureRelease({
      chart: 'openmetadata',
      release: 'openmetadata',
      namespace: ns,
    });
    // The API server discovers a JWT issuer in the background and retries while it is unreachable: wait until
    // it accepts a token of each issuer before the tests use them.
    const entraToken = await new ClientSecretCredential(
      arm.tenantId,
      arm.clientId,
      arm.clientSecret,
      { authorityHost: arm.url, disableInstanceDiscovery: true },
    ).getToken('6dae42f8-4368-4678-94ff-3960e28e3630/.default');
    await untilApiServerAccepts(entraToken!.token);
    await untilApiServerAccepts(
      oidc.mint({ email: issuers.oidcViewer, audience: issuers.oidcAudience }),
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all([arm?.close(), oidc?.close()]);
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: ns })
      .catch(() => undefined);
  });

  function clusters() {
    return KubernetesClusters.fromConfig({
      config: new ConfigReader({ kubernetes: kubernetesConfig }),
      logger: mockServices.logger.mock(),
      catalog: catalogServiceMock({ entities: [catalogCluster] }),
      auth: mockServices.auth(),
      authStrategies: { azure: azureStrategy() },
    });
  }

  it('lists the clusters of every locator with their auth providers', async () => {
    expect(await clusters().authInfo()).toEqual([
      {
        name: 'with-service-account',
        authProvider: 'serviceAccount',
        clientSide: false,
      },
      { name: 'aks-entra', authProvider: 'azure', clientSide: false },
      {
        name: 'corp-oidc',
        authProvider: 'oidc',
        oidcTokenProvider: 'corp',
        clientSide: true,
      },
      { name: 'aks-from-catalog', authProvider: 'azure', clientSide: false },
    ]);
  });

  describe('scaffolder actions', () => {
    const actions = () => {
      const config = new ConfigReader({
        kubernetes: kubernetesConfig,
        collate: { helm: { binary: testEnv.helmBin() } },
      });
      return new Map(
        createCollateActions({ config, clusters: clusters() }).map(a => [
          a.id,
          a,
        ]),
      );
    };

    async function apply(cluster: string, name: string) {
      const ctx = createMockActionContext({
        input: {
          cluster,
          manifests: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name, namespace: ns },
              data: { cluster },
            },
          ],
        },
      });
      await actions()
        .get('collate:kubernetes:apply')!
        .handler(ctx as any);
    }

    it.each([
      ['with-service-account', BACKSTAGE_SERVICE_ACCOUNT],
      ['aks-entra', `aad:${issuers.entraBackstageObjectId}`],
      ['aks-from-catalog', `aad:${issuers.entraBackstageObjectId}`],
    ])(
      'write to %s as the identity its auth provider gives (%s)',
      async (cluster, user) => {
        const since = Date.now();
        await apply(cluster, `written-via-${cluster}`);
        const writes = kubernetesWrites({ since, namespace: ns }).filter(w =>
          w.requestURI.includes(`written-via-${cluster}`),
        );
        expect(writes.map(w => [w.user, w.code])).toEqual([[user, 201]]);
      },
    );

    it('runs Helm with a token from Microsoft Entra: the dry run of collate:argo:install reads the cluster', async () => {
      const logs: string[] = [];
      const ctx = createMockActionContext({
        input: {
          cluster: 'aks-entra',
          namespace: `argo-${suffix}`,
          chart: chartPath('argo-workflows'),
          repo: '',
          cloud: 'azure',
          azure: {
            controllerClientId: '00000000-0000-0000-0000-000000000001',
            serverClientId: '00000000-0000-0000-0000-000000000002',
            storageEndpoint: 'https://collatestorage.blob.core.windows.net/',
            container: 'argo-workflows',
          },
          persistence: {
            host: 'postgres.argo',
            database: 'argo',
            username: 'argo',
            password: 'archive-password',
          },
        },
        logger: {
          ...mockServices.logger.mock(),
          info: (m: string) => logs.push(m),
          child: () => mockServices.logger.mock(),
        } as any,
      });
      Object.assign(ctx, { isDryRun: true });
      const since = Date.now();
      await actions()
        .get('collate:argo:install')!
        .handler(ctx as any);
      // Helm asked the API server (as the Entra identity) for the release: there is none yet, so it plans an install.
      expect(logs.join('\n')).toContain(
        `would install Helm release argo-${suffix}/argo-workflows (chart argo-workflows 0.45.23`,
      );
      expect(kubernetesWrites({ since, namespace: `argo-${suffix}` })).toEqual(
        [],
      );
    });

    it('refuse a cluster whose credential is the signed-in user, naming the server-side providers', async () => {
      await expect(apply('corp-oidc', 'never-written')).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(
          'serviceAccount, aws, azure, googleServiceAccount',
        ),
      });
      await expect(apply('nowhere', 'never-written')).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(
          "'nowhere' is not configured under kubernetes.clusterLocatorMethods (configured: with-service-account, aks-entra, corp-oidc, aks-from-catalog)",
        ),
      });
    });
  });

  describe('status backend', () => {
    const entities = [
      system('with-service-account'),
      system('aks-entra'),
      system('aks-from-catalog'),
      system('corp-oidc'),
      catalogCluster,
    ];

    async function backend() {
      const { server } = await startTestBackend({
        features: [
          collateBackend,
          createBackendModule({
            pluginId: 'collate',
            moduleId: 'test-azure-credential',
            register(env) {
              env.registerInit({
                deps: { clusterAuth: collateClusterAuthExtensionPoint },
                async init({ clusterAuth }) {
                  clusterAuth.addAuthStrategy('azure', azureStrategy());
                },
              });
            },
          }),
          catalogServiceMock.factory({ entities }),
          mockServices.rootConfig.factory({
            data: { kubernetes: kubernetesConfig },
          }),
        ],
      });
      return server;
    }

    async function serverStatus(
      server: Awaited<ReturnType<typeof backend>>,
      cluster: string,
      auth?: object,
    ): Promise<CollateServerStatus> {
      const path = `/api/collate/entities/system/default/collate-on-${cluster}/status/server`;
      const res = auth
        ? await request(server)
            .post(path)
            .set('Authorization', mockCredentials.user.header())
            .send({ auth })
        : await request(server)
            .get(path)
            .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      return res.body;
    }

    it.each(['with-service-account', 'aks-entra', 'aks-from-catalog'])(
      'reads the Deployments of %s with the backend’s own credential',
      async cluster => {
        const server = await backend();
        const status = await serverStatus(server, cluster);
        expect(status.deployment).toMatchObject({
          name: 'openmetadata',
          namespace: ns,
        });
        expect(status.reason ?? '').not.toContain('Kubernetes');
      },
    );

    it('reads an oidc cluster with the signed-in user’s token only, as that user', async () => {
      const server = await backend();

      // The frontend learns which tokens it has to send.
      const clustersRes = await request(server)
        .get('/api/collate/clusters')
        .set('Authorization', mockCredentials.user.header());
      expect(clustersRes.body.clusters).toContainEqual({
        name: 'corp-oidc',
        authProvider: 'oidc',
        oidcTokenProvider: 'corp',
        clientSide: true,
      });

      const without = await serverStatus(server, 'corp-oidc');
      expect(without.deployment).toBeUndefined();
      expect(without.reason).toContain(
        "Cluster 'corp-oidc' uses authProvider 'oidc' (corp): the signed-in user's token is needed",
      );

      const token = oidc.mint({
        email: issuers.oidcViewer,
        audience: issuers.oidcAudience,
      });
      const withToken = await serverStatus(server, 'corp-oidc', {
        oidc: { corp: token },
      });
      expect(withToken.deployment).toMatchObject({ name: 'openmetadata' });

      // What was read with one user's token is not served to a request without it.
      const afterwards = await serverStatus(server, 'corp-oidc');
      expect(afterwards.deployment).toBeUndefined();

      // The API server saw the user, not the backend: a token of someone without RBAC reads nothing.
      const stranger = oidc.mint({
        email: 'stranger@collate.test',
        audience: issuers.oidcAudience,
      });
      const denied = await serverStatus(server, 'corp-oidc', {
        oidc: { corp: stranger },
      });
      expect(denied.deployment).toBeUndefined();
      expect(denied.reason).toMatch(/forbidden|403/i);
    });

    it('refuses a malformed auth body with a 400', async () => {
      const server = await backend();
      const res = await request(server)
        .post(
          '/api/collate/entities/system/default/collate-on-corp-oidc/status',
        )
        .set('Authorization', mockCredentials.user.header())
        .send({ auth: 'token' });
      expect(res.status).toBe(400);
    });
  });
});
