// app-config.production.yaml: valid against every installed plugin's config schema (what the backend checks at
// start), and no secret written in it: every secret-looking key takes its value from the environment.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);
const root = resolve(__dirname, '../../..');
const production = join(root, 'app-config.production.yaml');

const env = {
  BACKSTAGE_BASE_URL: 'https://portal.example.com',
  POSTGRES_HOST: 'db.internal',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'from-the-environment',
  AUTH_SESSION_SECRET: 'from-the-environment',
  OIDC_METADATA_URL:
    'https://login.example.com/.well-known/openid-configuration',
  OIDC_CLIENT_ID: 'backstage',
  OIDC_CLIENT_SECRET: 'from-the-environment',
  CATALOG_ORG_URL: 'https://git.example.com/org/catalog/blob/main/org.yaml',
  KUBERNETES_CLUSTER_NAME: 'aks-prod',
  KUBERNETES_API_URL: 'https://aks-prod.example.com',
  KUBERNETES_SERVICE_ACCOUNT_TOKEN: 'from-the-environment',
  KUBERNETES_CA_DATA: 'Y2E=',
  COLLATE_SERVER_URL: 'https://acme.getcollate.io',
  COLLATE_BOT_TOKEN: 'from-the-environment',
  ARGO_SERVER_URL: 'http://argo-workflows-server.argo-workflows:2746',
};

const check = (...files: string[]) =>
  run(
    'yarn',
    [
      'backstage-cli',
      'config:check',
      // Strict: a schema error or an unknown key fails, as it should before a deployment.
      '--strict',
      ...files.flatMap(f => ['--config', f]),
    ],
    { cwd: root, env: { ...process.env, ...env } },
  );

describe('app-config.production.yaml', () => {
  jest.setTimeout(60_000);

  it('is valid against the schemas of every plugin the portal installs', async () => {
    await expect(
      check(join(root, 'app-config.yaml'), production),
    ).resolves.toBeDefined();
  });

  it('is checked for real: a wrong value fails the same check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collate-config-'));
    try {
      const wrong = join(dir, 'wrong.yaml');
      writeFileSync(wrong, 'collate:\n  permissions:\n    deployers: 42\n');
      await expect(
        check(join(root, 'app-config.yaml'), production, wrong),
      ).rejects.toThrow(/deployers/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds no secret: each secret-looking value is an environment substitution', () => {
    const secretKey = /(password|secret|token|clientsecret)$/i;
    const found: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
      } else if (secretKey.test(path.split('.').pop() ?? '')) {
        if (!/^\$\{[A-Z0-9_]+\}$/.test(String(value)))
          found.push(`${path}: ${value}`);
      }
    };
    const config = parse(readFileSync(production, 'utf8'));
    walk(config, '');
    expect(found).toEqual([]);
    // And no leftovers of the create-app boilerplate: no guest provider, no example catalog files.
    expect(config.auth.providers.guest).toBeUndefined();
    expect(
      config.catalog.locations.filter((l: { target: string }) =>
        l.target.includes('examples/'),
      ),
    ).toEqual([]);
  });
});
