// The portal as app-config.production.yaml runs it: the built frontend served by the backend on one origin, NODE_ENV
// production, PostgreSQL, sign-in through the test environment's Dex, the Collate permission policy with its
// deployer group. Everything the production file reads from the environment is set here from the test environment;
// the live demo (the same seeding as scripts/start) provides the cluster, the Collate contract server and Argo.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import { artifactsDir, repoRoot, startInGroup } from './portal.mjs';
import { run } from './freshPortal.mjs';

export const productionUrl = 'http://localhost:7007';
export const DB_PREFIX = 'collate_e2e_production_';
const fixtures = join(repoRoot, 'packages/e2e-tests/fixtures');

function required(name) {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: eval "$(scripts/testenv/testenv env)"`,
    );
  return value;
}

/** Test users of Dex (scripts/testenv/dex.sh), by role. */
export function dexUser(role) {
  const [email, password] = required(
    role === 'deployer'
      ? 'COLLATE_TEST_DEX_DEPLOYER'
      : 'COLLATE_TEST_DEX_OTHER',
  ).split(':');
  return { email, password };
}

function pgClient(database = 'postgres') {
  return new pg.Client({
    host: required('COLLATE_TEST_PG_HOST'),
    port: Number(required('COLLATE_TEST_PG_PORT')),
    user: required('COLLATE_TEST_PG_USER'),
    password: required('COLLATE_TEST_PG_PASSWORD'),
    database,
  });
}

/** The portal's databases (one per plugin), by name. */
export async function portalDatabases() {
  const client = pgClient();
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname',
      [DB_PREFIX],
    );
    return rows.map(r => r.datname);
  } finally {
    await client.end();
  }
}

async function dropPortalDatabases() {
  const client = pgClient();
  await client.connect();
  try {
    for (const name of await portalDatabases()) {
      await client.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

/** Every row of every table of the portal's databases, as text, one `database.table: row` line per row. */
export async function dumpPortalDatabases() {
  const lines = [];
  for (const database of await portalDatabases()) {
    const client = pgClient(database);
    await client.connect();
    try {
      const { rows: tables } = await client.query(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
      );
      for (const { schemaname, tablename } of tables) {
        const { rows } = await client.query(
          `SELECT t::text AS row FROM "${schemaname}"."${tablename}" t`,
        );
        for (const { row } of rows)
          lines.push(`${database}.${tablename}: ${row}`);
      }
    } finally {
      await client.end();
    }
  }
  return lines;
}

/** The organization's users and groups (`/org.yaml`), and what another team registers (`/tenant.yaml`). */
function serveOrgFile() {
  const files = new Map(
    ['org.yaml', 'tenant.yaml'].map(f => [
      `/${f}`,
      readFileSync(join(fixtures, f)),
    ]),
  );
  const server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/yaml' }).end(body);
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        host: `127.0.0.1:${server.address().port}`,
        close: () => new Promise(r => server.close(r)),
      }),
    ),
  );
}

async function startLiveDemo(configPath) {
  const log = createWriteStream(join(artifactsDir, 'production-live-demo.log'));
  let out = '';
  const demo = startInGroup(
    'node',
    [
      '--require',
      join(repoRoot, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
      join(repoRoot, 'packages/testenv/src/bin/live-demo.ts'),
      configPath,
    ],
    { cwd: repoRoot, log },
  );
  demo.child.stdout.on('data', chunk => {
    out += chunk;
  });
  const deadline = Date.now() + 180_000;
  while (!/^ready /m.test(out)) {
    if (demo.child.exitCode !== null)
      throw new Error('the live demo exited; see production-live-demo.log');
    if (Date.now() > deadline)
      throw new Error('the live demo was not ready after 180 s');
    await new Promise(r => setTimeout(r, 250));
  }
  return demo;
}

async function answers(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Reads through the catalog with the test's static token (external access, catalog only). */
export async function catalogEntity(ref, token) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  const res = await fetch(
    `${productionUrl}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  return res.ok ? res.json() : undefined;
}

/**
 * Starts the production-like portal. Returns `stop()`, the backend's log path and the catalog reader token.
 * @returns {Promise<{ stop: () => Promise<void>, logFile: string, catalogToken: string, liveConfig: any, tenantUrl: string }>}
 */
export async function startProductionPortal() {
  mkdirSync(artifactsDir, { recursive: true });
  const started = [];
  const stop = async () => {
    for (const end of started.reverse()) await end();
  };
  try {
    // The test environment as the other browser tests leave it: started here (and stopped after) when it is not up.
    const testenv = join(repoRoot, 'scripts/testenv/testenv');
    const status = execFileSync(testenv, ['status']).toString();
    if (/stopped|not created/.test(status)) {
      execFileSync(testenv, ['up'], { stdio: 'inherit' });
      started.push(async () => {
        execFileSync(testenv, ['down'], { stdio: 'ignore' });
      });
    }
    for (const line of execFileSync(testenv, ['env']).toString().split('\n')) {
      const m = line.match(/^export ([A-Z0-9_]+)=(.*)$/);
      if (m) process.env[m[1]] = m[2];
    }
    const buildLog = createWriteStream(
      join(artifactsDir, 'production-build.log'),
    );
    // The frontend as production serves it: built once, then served by the backend's app plugin.
    await run('yarn', ['workspace', 'app', 'build'], {
      cwd: repoRoot,
      log: buildLog,
    });

    const liveConfigPath = join(artifactsDir, 'production-live.yaml');
    const demo = await startLiveDemo(liveConfigPath);
    started.push(demo.stop);
    const live = parse(readFileSync(liveConfigPath, 'utf8'));
    const cluster = live.kubernetes.clusterLocatorMethods[0].clusters[0];

    const org = await serveOrgFile();
    started.push(org.close);
    await dropPortalDatabases();

    const catalogToken = randomBytes(24).toString('base64url');
    const logFile = join(artifactsDir, 'production-portal.log');
    const backend = startInGroup(
      'node',
      [
        '--require',
        join(repoRoot, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
        'src/index.ts',
        ...[
          join(repoRoot, 'app-config.yaml'),
          join(repoRoot, 'app-config.production.yaml'),
          // The local environment's endpoints (cluster, Collate, Argo, AWS on moto, helm) as scripts/start has them.
          liveConfigPath,
          join(fixtures, 'app-config.production-test.yaml'),
        ].flatMap(c => ['--config', c]),
      ],
      {
        cwd: join(repoRoot, 'packages/backend'),
        log: createWriteStream(logFile),
        env: {
          NODE_ENV: 'production',
          BACKSTAGE_BASE_URL: productionUrl,
          POSTGRES_HOST: required('COLLATE_TEST_PG_HOST'),
          POSTGRES_PORT: required('COLLATE_TEST_PG_PORT'),
          POSTGRES_USER: required('COLLATE_TEST_PG_USER'),
          POSTGRES_PASSWORD: required('COLLATE_TEST_PG_PASSWORD'),
          AUTH_SESSION_SECRET: randomBytes(32).toString('hex'),
          OIDC_METADATA_URL: required('COLLATE_TEST_DEX_METADATA_URL'),
          OIDC_CLIENT_ID: required('COLLATE_TEST_DEX_CLIENT_ID'),
          OIDC_CLIENT_SECRET: required('COLLATE_TEST_DEX_CLIENT_SECRET'),
          CATALOG_ORG_URL: `http://${org.host}/org.yaml`,
          E2E_ORG_HOST: org.host,
          E2E_CATALOG_TOKEN: catalogToken,
          KUBERNETES_CLUSTER_NAME: cluster.name,
          KUBERNETES_API_URL: cluster.url,
          KUBERNETES_SERVICE_ACCOUNT_TOKEN: cluster.serviceAccountToken,
          KUBERNETES_CA_DATA: cluster.caData,
          COLLATE_SERVER_URL: live.collate.servers[0].url,
          COLLATE_BOT_TOKEN: live.collate.servers[0].token,
          ARGO_SERVER_URL: live.collate.argo.servers[0].url,
        },
      },
    );
    started.push(backend.stop);

    const deadline = Date.now() + 240_000;
    const ready = async () =>
      (await answers(`${productionUrl}/api/collate/health`)) &&
      (await answers(productionUrl)) &&
      (await catalogEntity('user:default/alice', catalogToken)) !== undefined &&
      (await catalogEntity('system:default/collate-demo', catalogToken)) !==
        undefined;
    while (!(await ready())) {
      if (backend.child.exitCode !== null)
        throw new Error(
          `the backend exited with ${backend.child.exitCode}; see ${logFile}`,
        );
      if (Date.now() > deadline)
        throw new Error(`the portal was not ready after 240 s; see ${logFile}`);
      await new Promise(r => setTimeout(r, 1000));
    }
    return {
      stop,
      logFile,
      catalogToken,
      liveConfig: live,
      tenantUrl: `http://${org.host}/tenant.yaml`,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Signs in on the sign-in page through Dex's login form. Resolves with the user's Backstage token, as the app sends
 * it to the backend (taken from the app's own next API request).
 */
export async function signInWithDex(page, { email, password }) {
  let token;
  const watch = request => {
    const header = request.headers().authorization;
    if (
      !token &&
      header?.startsWith('Bearer ') &&
      request.url().startsWith(`${productionUrl}/api/`)
    )
      token = header.slice('Bearer '.length);
  };
  page.on('request', watch);
  await page.goto(productionUrl);
  const sso = page.getByRole('button', { name: /sign in/i });
  await sso.waitFor({ timeout: 60_000 });
  const [popup] = await Promise.all([page.waitForEvent('popup'), sso.click()]);
  await popup.getByLabel(/email/i).fill(email);
  await popup.getByLabel(/password/i).fill(password);
  await popup.getByRole('button', { name: /login/i }).click();
  await sso.waitFor({ state: 'detached', timeout: 60_000 });
  const deadline = Date.now() + 30_000;
  while (!token && Date.now() < deadline) await page.waitForTimeout(100);
  page.off('request', watch);
  if (!token)
    throw new Error(`signed in as ${email}, but the app sent no token`);
  return token;
}
