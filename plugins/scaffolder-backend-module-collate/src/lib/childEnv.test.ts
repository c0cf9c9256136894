import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import { chartPath, testEnv } from '@internal/testenv';
import { envProbe } from '../__testUtils__/envProbe';
import { childEnv } from './childEnv';
import { Helm } from './helm/Helm';

const backendEnv = {
  PATH: '/usr/bin',
  HOME: '/home/backstage',
  HTTPS_PROXY: 'http://proxy:3128',
  POSTGRES_PASSWORD: 'canary-postgres',
  GITHUB_TOKEN: 'canary-github',
  AUTH_OIDC_CLIENT_SECRET: 'canary-oidc',
  ARM_CLIENT_ID: 'arm-client',
  AWS_REGION: 'eu-west-1',
  TF_VAR_org_prefix: 'acme',
  CORPORATE_CA: '/etc/ca.pem',
};

describe('childEnv', () => {
  const empty = new ConfigReader({});

  it('gives helm the basics and what the action sets, none of the backend’s secrets', () => {
    const env = childEnv(
      empty,
      'helm',
      { HELM_CACHE_HOME: '/tmp/x' },
      backendEnv,
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/backstage',
      HTTPS_PROXY: 'http://proxy:3128',
      HELM_CACHE_HOME: '/tmp/x',
    });
  });

  it('gives Terraform its providers’ credentials and TF_VAR_* too, still no other secret', () => {
    const env = childEnv(
      empty,
      'terraform',
      { TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: undefined },
      { ...backendEnv, TF_CLI_CONFIG_FILE: '/home/backstage/.terraformrc' },
    );
    expect(Object.keys(env).sort()).toEqual(
      [
        'ARM_CLIENT_ID',
        'AWS_REGION',
        'HOME',
        'HTTPS_PROXY',
        'PATH',
        'TF_IN_AUTOMATION',
        'TF_VAR_org_prefix',
      ].sort(),
    );
  });

  it('passes what collate.<tool>.passEnv names', () => {
    const config = new ConfigReader({
      collate: { helm: { passEnv: ['CORPORATE_CA'] } },
    });
    expect(childEnv(config, 'helm', {}, backendEnv).CORPORATE_CA).toBe(
      '/etc/ca.pem',
    );
    expect(
      childEnv(empty, 'helm', {}, backendEnv).CORPORATE_CA,
    ).toBeUndefined();
  });

  it('is what the real helm process gets', async () => {
    const canary = `canary-${Date.now()}`;
    const probe = await envProbe(testEnv.helmBin());
    process.env.COLLATE_TEST_CANARY_SECRET = canary;
    try {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
        users: [{ name: 'u', token: 'kube-token' }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
        currentContext: 'x',
      });
      const helm = await Helm.create(
        new ConfigReader({ collate: { helm: { binary: probe.binary } } }),
        kc,
        mockServices.logger.mock(),
      );
      try {
        const rendered = await helm.template({
          release: 'openmetadata',
          namespace: 'collate',
          chart: chartPath('openmetadata'),
          values: {},
          timeoutSeconds: 60,
        });
        expect(rendered).toContain('kind: Deployment');
      } finally {
        await helm.close();
      }
    } finally {
      delete process.env.COLLATE_TEST_CANARY_SECRET;
    }
    const calls = await probe.calls();
    expect(calls.length).toBeGreaterThan(0);
    for (const env of calls) {
      expect(Object.values(env)).not.toContain(canary);
      expect(env.PATH).toBe(process.env.PATH);
      expect(env.HELM_CACHE_HOME).toMatch(/collate-helm-.*\/cache$/);
    }
  });
});
