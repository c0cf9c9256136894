// A fresh portal, installed the way the README tells other teams to: create-app in a temporary folder, our
// packages from `yarn pack`, the README's install blocks as written. Then it must type-check, start, list every
// collate: action, dry-run a template, answer the status route and render a Collate card in Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { launchBrowser, signInAsGuest } from '../lib/browser.mjs';
import { artifactsDir, repoRoot } from '../lib/portal.mjs';
import {
  createFreshPortal,
  packPackages,
  run,
  startFreshPortal,
} from '../lib/freshPortal.mjs';

const FRONTEND = 'http://localhost:3100';
const BACKEND = 'http://localhost:7107';
const SYSTEM = 'fresh-collate';

let workDir;
let portal;
let browser;
const timings = {};
const log = () =>
  createWriteStream(join(artifactsDir, 'fresh-portal.log'), { flags: 'a' });

/** Every action id our scaffolder module defines, read from its source. */
function ourActionIds() {
  const ids = new Set();
  const walk = dir => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ts$/.test(name) && !/\.test\.ts$|examples\.ts$/.test(name)) {
        for (const m of readFileSync(path, 'utf8').matchAll(
          /^\s+id: '(collate:[a-z0-9:-]+)'/gm,
        ))
          ids.add(m[1]);
      }
    }
  };
  walk(join(repoRoot, 'plugins/scaffolder-backend-module-collate/src'));
  return [...ids].sort();
}

async function timed(name, fn) {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round((Date.now() - t0) / 1000);
  }
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (portal?.child.exitCode !== null && portal?.child.exitCode !== undefined)
      throw new Error(`fresh portal exited before ${what}`);
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, 1000));
  }
}

async function guestToken() {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  assert.equal(res.status, 200, 'guest sign-in');
  return (await res.json()).backstageIdentity.token;
}

before(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  writeFileSync(join(artifactsDir, 'fresh-portal.log'), '');
  workDir = mkdtempSync(join(tmpdir(), 'collate-fresh-portal-'));
  chmodSync(workDir, 0o755);
  const tarballs = await timed('pack', () =>
    packPackages(join(workDir, 'tarballs'), log()),
  );
  const { appDir, applied } = await timed('create and install', () =>
    createFreshPortal({ workDir, tarballs, log: log() }),
  );
  console.log(`README steps applied:\n  ${applied.join('\n  ')}`);
  await timed('type-check', () =>
    run('yarn', ['tsc'], { cwd: appDir, log: log() }),
  );

  // Only what this test needs on top of the fresh portal's own config: ports of its own, the local cluster as
  // the portal's Kubernetes plugin would have it, and a catalog file with one Collate deployment.
  const env = process.env;
  const catalogFile = join(workDir, 'collate-catalog.yaml');
  writeFileSync(
    catalogFile,
    `apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: ${SYSTEM}
  title: Collate (fresh portal)
  annotations:
    collate.io/component: server
    collate.io/kubernetes-cluster: local
    collate.io/namespace: collate-fresh-${randomBytes(2).toString('hex')}
    collate.io/server-release: openmetadata
spec:
  owner: guests
`,
  );
  const configFile = join(workDir, 'app-config.test.yaml');
  writeFileSync(
    configFile,
    JSON.stringify({
      app: { baseUrl: FRONTEND },
      backend: {
        baseUrl: BACKEND,
        listen: { port: 7107 },
        cors: { origin: FRONTEND, credentials: true },
      },
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'local',
                url: env.COLLATE_TEST_K8S_URL,
                authProvider: 'serviceAccount',
                serviceAccountToken: readFileSync(
                  env.COLLATE_TEST_K8S_TOKEN_FILE,
                  'utf8',
                ).trim(),
                caData: readFileSync(env.COLLATE_TEST_K8S_CA_FILE).toString(
                  'base64',
                ),
              },
            ],
          },
        ],
      },
      catalog: {
        rules: [
          {
            allow: [
              'Component',
              'System',
              'API',
              'Resource',
              'Location',
              'Template',
              'Group',
              'User',
            ],
          },
        ],
        locations: [{ type: 'file', target: catalogFile }],
      },
    }),
  );
  portal = startFreshPortal({
    appDir,
    configs: [join(appDir, 'app-config.yaml'), configFile],
    logFile: join(artifactsDir, 'fresh-portal-start.log'),
  });
  await timed('start', async () => {
    await waitFor(
      'the backend',
      async () => (await fetch(`${BACKEND}/api/collate/health`)).ok,
      300_000,
    );
    await waitFor(
      'the frontend',
      async () => (await fetch(FRONTEND)).ok,
      300_000,
    );
  });
});

after(async () => {
  await browser?.close();
  await portal?.stop();
  console.log(`fresh portal timings (s): ${JSON.stringify(timings)}`);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('the fresh portal lists every collate: action', async () => {
  const token = await guestToken();
  const res = await fetch(`${BACKEND}/api/scaffolder/v2/actions`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  const ids = (await res.json()).map(a => a.id);
  const ours = ourActionIds();
  assert.ok(ours.length >= 18, `found ${ours.length} action ids in our source`);
  assert.deepEqual(
    ours.filter(id => !ids.includes(id)),
    [],
    'every action of ours is registered',
  );
  // The fresh portal's own actions are still there: no id of ours replaced one of theirs.
  assert.ok(ids.includes('fetch:template') && ids.includes('catalog:register'));
});

test('a template using our actions dry-runs in the fresh portal', async () => {
  const token = await guestToken();
  const template = {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'fresh-collate-dry-run' },
    spec: {
      owner: 'guests',
      type: 'service',
      parameters: [],
      steps: [
        {
          id: 'namespace',
          action: 'collate:kubernetes:apply',
          input: {
            cluster: 'local',
            manifests: [
              {
                apiVersion: 'v1',
                kind: 'Namespace',
                metadata: { name: 'fresh-portal-dry-run' },
              },
            ],
          },
        },
        {
          id: 'register',
          action: 'collate:catalog:register',
          input: {
            name: 'fresh-dry-run',
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'System',
                metadata: { name: 'fresh-dry-run' },
                spec: { owner: 'guests' },
              },
            ],
          },
        },
      ],
    },
  };
  const res = await fetch(`${BACKEND}/api/scaffolder/v2/dry-run`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      template,
      values: {},
      secrets: {},
      directoryContents: [],
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body).slice(0, 500));
  const messages = body.log.map(l => l.body.message).join('\n');
  assert.match(messages, /would create Namespace fresh-portal-dry-run/);
  assert.match(messages, /would create: system:default\/fresh-dry-run/);
  const finished = body.log
    .filter(l => l.body.status === 'completed')
    .map(l => l.body.stepId);
  assert.deepEqual(finished, ['namespace', 'register']);
  assert.equal(
    body.log.some(l => l.body.status === 'failed'),
    false,
    messages,
  );
});

test('the status route answers for a registered entity, and only with credentials', async () => {
  const token = await guestToken();
  const path = `${BACKEND}/api/collate/entities/system/default/${SYSTEM}/status`;
  await waitFor(
    'the catalog to have the System',
    async () =>
      (
        await fetch(
          `${BACKEND}/api/catalog/entities/by-name/system/default/${SYSTEM}`,
          {
            headers: { Authorization: `Bearer ${token}` },
          },
        )
      ).ok,
    60_000,
  );
  assert.equal((await fetch(path)).status, 401);
  const res = await fetch(path, {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.entityRef, `system:default/${SYSTEM}`);
  // A System with a cluster and a namespace describes its server and its ingestion workflows.
  assert.deepEqual(
    body.components.map(c => c.component),
    ['server', 'ingestion'],
  );
  // The backend read the cluster through the Kubernetes plugin's configuration: the server's Deployment is missing
  // (nothing was installed), which it can only say after asking the API server.
  const server = body.components.find(c => c.component === 'server');
  assert.match(server.reason, /No Deployment of Helm release openmetadata/);
});

test('a Collate card renders on the entity page of the fresh portal', async () => {
  browser = await launchBrowser();
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1000 },
  });
  try {
    await signInAsGuest(page, FRONTEND);
    await page.goto(`${FRONTEND}/catalog/default/system/${SYSTEM}`);
    await page
      .getByText('Collate deployment', { exact: true })
      .first()
      .waitFor({ timeout: 120_000 });
    await page.screenshot({
      path: join(artifactsDir, 'fresh-portal-entity.png'),
      fullPage: true,
    });
  } catch (error) {
    await page
      .screenshot({
        path: join(artifactsDir, 'fresh-portal-failure.png'),
        fullPage: true,
      })
      .catch(() => {});
    throw error;
  }
});
