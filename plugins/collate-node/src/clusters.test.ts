import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KubernetesClusters, UserCredentialsRequiredError } from './clusters';

function clusters(clusterConfigs: object[]) {
  return KubernetesClusters.fromConfig({
    config: new ConfigReader({
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [{ type: 'config', clusters: clusterConfigs }],
      },
    }),
    logger: mockServices.logger.mock(),
    catalog: catalogServiceMock(),
    auth: mockServices.auth(),
  });
}

const url = 'https://k8s.example.com:6443';

describe('KubernetesClusters', () => {
  it("reads clusters with the Kubernetes plugin's own config locator, validation included", () => {
    // The plugin's locator checks the configuration at start-up, with the errors the Kubernetes plugin gives.
    expect(() => clusters([{ name: 'a', url }])).toThrow(
      "cluster 'a' has no auth provider configured",
    );
    expect(() => clusters([{ name: 'o', url, authProvider: 'oidc' }])).toThrow(
      "Must specify a token provider for 'oidc' strategy",
    );
  });

  it('builds a KubeConfig with the service account token, CA and TLS settings', async () => {
    const kc = await clusters([
      {
        name: 'prod',
        url,
        authProvider: 'serviceAccount',
        serviceAccountToken: 'sa-token',
        caData: Buffer.from('ca').toString('base64'),
      },
    ]).serverKubeConfig('prod');
    expect(kc.getCurrentCluster()).toMatchObject({
      name: 'prod',
      server: url,
      caData: Buffer.from('ca').toString('base64'),
      skipTLSVerify: false,
    });
    expect(kc.getCurrentUser()).toMatchObject({ token: 'sa-token' });
  });

  it('refuses client-side providers for backend work, naming the server-side ones', async () => {
    const c = clusters([
      { name: 'corp', url, authProvider: 'oidc', oidcTokenProvider: 'okta' },
      { name: 'aks', url, authProvider: 'aks' },
    ]);
    for (const name of ['corp', 'aks']) {
      await expect(c.serverKubeConfig(name)).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(
          "needs the signed-in user's own token; scaffolder actions run without one. Configure the cluster for the backend with one of: serviceAccount, aws, azure, googleServiceAccount",
        ),
      });
    }
  });

  it("uses the user's token for client-side providers, and asks for it when missing", async () => {
    const c = clusters([
      { name: 'corp', url, authProvider: 'oidc', oidcTokenProvider: 'okta' },
      { name: 'aks', url, authProvider: 'aks' },
    ]);
    await expect(c.userKubeConfig('corp', {})).rejects.toBeInstanceOf(
      UserCredentialsRequiredError,
    );
    await expect(
      c.userKubeConfig('corp', { oidc: { other: 't' } }),
    ).rejects.toThrow(
      "Cluster 'corp' uses authProvider 'oidc' (okta): the signed-in user's token is needed",
    );
    const kc = await c.userKubeConfig('corp', { oidc: { okta: 'id-token' } });
    expect(kc.getCurrentUser()).toMatchObject({ token: 'id-token' });
    const aks = await c.userKubeConfig('aks', { aks: 'aks-token' });
    expect(aks.getCurrentUser()).toMatchObject({ token: 'aks-token' });
    expect(await c.authInfo()).toEqual([
      {
        name: 'corp',
        authProvider: 'oidc',
        oidcTokenProvider: 'okta',
        clientSide: true,
      },
      { name: 'aks', authProvider: 'aks', clientSide: true },
    ]);
  });

  it('names the configured clusters when one is unknown', async () => {
    await expect(
      clusters([
        {
          name: 'a',
          url,
          authProvider: 'serviceAccount',
          serviceAccountToken: 't',
        },
      ]).serverKubeConfig('b'),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        "Invalid input 'cluster': 'b' is not configured under kubernetes.clusterLocatorMethods (configured: a)",
    });
  });

  it('has no clusters without Kubernetes configuration', async () => {
    const c = KubernetesClusters.fromConfig({
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
    });
    expect(await c.list()).toEqual([]);
  });
});
