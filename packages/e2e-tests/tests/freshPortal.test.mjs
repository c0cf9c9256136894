// A fresh portal, installed the way the README tells other teams to: create-app in a temporary folder, brought to
// one Backstage release as `versions:bump` would, our packages from `yarn pack`, the README's install blocks as
// written. Then it must type-check, start, list every collate: action, dry-run a template, answer the status
// route and render a Collate card in Chromium. It runs twice: on the release this repository is on, and on the
// newest release the registry serves. A portal that mixes releases is diagnosed in one line.
import { after, before, describe, test } from 'node:test';
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
  PORTAL_ENV,
  addResolutions,
  createApp,
  createFreshPortal,
  packPackages,
  run,
  startFreshPortal,
} from '../lib/freshPortal.mjs';
import {
  alignPortal,
  completeRelease,
  describeRelease,
  diagnosePortal,
  newestRelease,
  packument,
  releaseOfLockfile,
} from '../lib/backstageRelease.mjs';

const SYSTEM = 'fresh-collate';
const BACKSTAGE_VERSION = JSON.parse(
  readFileSync(join(repoRoot, 'backstage.json'), 'utf8'),
).version;

/** The release this repository is on: the versions its own lockfile pins, completed for the portal's packages. */
const ourRelease = appDir =>
  completeRelease(
    releaseOfLockfile(
      join(repoRoot, 'yarn.lock'),
      `Backstage ${BACKSTAGE_VERSION} (this repository)`,
    ),
    appDir,
  );

/** The newest release the registry serves, for the packages of the created portal. */
const newest = async appDir => {
  const release = await newestRelease(appDir, 'the newest Backstage release');
  if (release.missing.length > 0)
    throw new Error(
      `the newest release is not complete on the registry for a portal: ${release.missing.join(
        '; ',
      )}`,
    );
  return release;
};

const log = () =>
  createWriteStream(join(artifactsDir, 'fresh-portal.log'), { flags: 'a' });

let tarballsOnce;
/** Our packages, built and packed once for every portal of this file. */
function tarballs(workDir, timings) {
  tarballsOnce ??= timed(timings, 'pack', () =>
    packPackages(join(workDir, 'tarballs'), log()),
  );
  return tarballsOnce;
}

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

async function timed(timings, name, fn) {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round((Date.now() - t0) / 1000);
  }
}

async function waitFor(portal, what, check, timeoutMs) {
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

async function guestToken(BACKEND) {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  assert.equal(res.status, 200, 'guest sign-in');
  return (await res.json()).backstageIdentity.token;
}

/**
 * The fresh-portal checks on one release. `id` names its artifacts; the ports are its own, so that a portal that
 * did not stop in time cannot answer for the next.
 */
function freshPortalSuite({
  id,
  title,
  releaseFor,
  frontendPort,
  backendPort,
}) {
  const FRONTEND = `http://localhost:${frontendPort}`;
  const BACKEND = `http://localhost:${backendPort}`;
  describe(title, () => {
    let workDir;
    let portal;
    let browser;
    const timings = {};

    before(async () => {
      workDir = mkdtempSync(join(tmpdir(), `collate-fresh-portal-${id}-`));
      chmodSync(workDir, 0o755);
      const packed = await tarballs(packDir, timings);
      const { appDir, applied, release } = await timed(
        timings,
        'create and install',
        () =>
          createFreshPortal({
            workDir,
            tarballs: packed,
            releaseFor,
            log: log(),
          }),
      );
      console.log(
        `fresh portal on ${release.label}: ${describeRelease(release, [
          '@backstage/plugin-signals-backend',
        ])}`,
      );
      console.log(`README steps applied:\n  ${applied.join('\n  ')}`);
      await timed(timings, 'type-check', () =>
        run('yarn', ['tsc'], { cwd: appDir, log: log() }),
      );

      // Only what this test needs on top of the fresh portal's own config: ports of its own, the local cluster as
      // the portal's Kubernetes plugin would have it, and a catalog file with one Collate deployment.
      const env = process.env;
      const catalogFile = join(workDir, 'collate-catalog.yaml');
      writeFileSync(
        catalogFile,
        // JSON is YAML: one System with the annotations the cards read.
        JSON.stringify({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'System',
          metadata: {
            name: SYSTEM,
            title: 'Collate (fresh portal)',
            annotations: {
              'collate.io/component': 'server',
              'collate.io/kubernetes-cluster': 'local',
              'collate.io/namespace': `collate-fresh-${randomBytes(2).toString(
                'hex',
              )}`,
              'collate.io/server-release': 'openmetadata',
            },
          },
          spec: { owner: 'guests' },
        }),
      );
      const configFile = join(workDir, 'app-config.test.yaml');
      writeFileSync(
        configFile,
        JSON.stringify({
          app: { baseUrl: FRONTEND },
          backend: {
            baseUrl: BACKEND,
            listen: { port: backendPort },
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
          // The catalog file stands for a deployment the portal's operators adopted.
          collate: {
            adoptedLocations: [{ type: 'file', target: catalogFile }],
          },
        }),
      );
      portal = startFreshPortal({
        appDir,
        configs: [join(appDir, 'app-config.yaml'), configFile],
        logFile: join(artifactsDir, `fresh-portal-${id}-start.log`),
      });
      await timed(timings, 'start', async () => {
        await waitFor(
          portal,
          'the backend',
          async () => (await fetch(`${BACKEND}/api/collate/health`)).ok,
          300_000,
        );
        await waitFor(
          portal,
          'the frontend',
          async () => (await fetch(FRONTEND)).ok,
          300_000,
        );
      });
    });

    after(async () => {
      await browser?.close();
      await portal?.stop();
      console.log(
        `fresh portal (${id}) timings (s): ${JSON.stringify(timings)}`,
      );
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    test('the fresh portal lists every collate: action', async () => {
      const token = await guestToken(BACKEND);
      const res = await fetch(`${BACKEND}/api/scaffolder/v2/actions`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200);
      const ids = (await res.json()).map(a => a.id);
      const ours = ourActionIds();
      assert.ok(
        ours.length >= 18,
        `found ${ours.length} action ids in our source`,
      );
      assert.deepEqual(
        ours.filter(id => !ids.includes(id)),
        [],
        'every action of ours is registered',
      );
      // The fresh portal's own actions are still there: no id of ours replaced one of theirs.
      assert.ok(
        ids.includes('fetch:template') && ids.includes('catalog:register'),
      );
    });

    test('a template using our actions dry-runs in the fresh portal', async () => {
      const token = await guestToken(BACKEND);
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
      const token = await guestToken(BACKEND);
      const path = `${BACKEND}/api/collate/entities/system/default/${SYSTEM}/status`;
      await waitFor(
        portal,
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
          path: join(artifactsDir, `fresh-portal-${id}-entity.png`),
          fullPage: true,
        });
      } catch (error) {
        await page
          .screenshot({
            path: join(artifactsDir, `fresh-portal-${id}-failure.png`),
            fullPage: true,
          })
          .catch(() => {});
        throw error;
      }
    });
  });
}

const packDir = mkdtempSync(join(tmpdir(), 'collate-fresh-portal-packs-'));
mkdirSync(artifactsDir, { recursive: true });
writeFileSync(join(artifactsDir, 'fresh-portal.log'), '');
after(() => rmSync(packDir, { recursive: true, force: true }));

freshPortalSuite({
  id: 'ours',
  title: `a fresh portal on Backstage ${BACKSTAGE_VERSION}, the release of this repository`,
  releaseFor: ourRelease,
  frontendPort: 3100,
  backendPort: 7107,
});

freshPortalSuite({
  id: 'newest',
  title: 'a fresh portal on the newest Backstage release the registry serves',
  releaseFor: newest,
  frontendPort: 3200,
  backendPort: 7207,
});

describe('a portal that mixes two Backstage releases', () => {
  test('is diagnosed in one line that names the packages and versions, and says it is not ours', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'collate-mixed-portal-'));
    try {
      const appDir = await createApp({ workDir, name: 'mixed', log: log() });
      // The state create-app 0.9.2 left portals in: our release, but a signals backend of the newest one.
      const ours = await ourRelease(appDir);
      const latest = await newestRelease(appDir);
      const signals = '@backstage/plugin-signals-backend';
      const mixed = {
        ...ours,
        versions: { ...ours.versions, [signals]: latest.versions[signals] },
      };
      alignPortal(appDir, mixed);
      addResolutions(appDir);
      // Resolution only: Yarn writes the lockfile it would install, which is all the diagnosis reads.
      await run('yarn', ['install', '--mode=update-lockfile'], {
        cwd: appDir,
        env: PORTAL_ENV,
        log: log(),
      });
      const diagnosis = diagnosePortal(appDir);
      console.log(`mixed portal diagnosis: ${diagnosis}`);
      assert.ok(diagnosis, 'the mixed portal is diagnosed');
      assert.equal(diagnosis.includes('\n'), false, 'one line');
      assert.match(diagnosis, /^not ours: /);
      const needs = (await packument(signals)).versions[
        latest.versions[signals]
      ].dependencies['@backstage/backend-plugin-api'];
      const expected = `${signals}@${latest.versions[signals]}`;
      assert.ok(diagnosis.includes(expected), `names ${expected}`);
      assert.ok(
        diagnosis.includes(
          `@backstage/backend-plugin-api ${needs}, but the portal's @backstage/backend-defaults@${ours.versions['@backstage/backend-defaults']} implements`,
        ),
        'names what it needs and what the portal implements',
      );
      // The same portal on one release is not diagnosed.
      alignPortal(appDir, ours);
      await run('yarn', ['install', '--mode=update-lockfile'], {
        cwd: appDir,
        env: PORTAL_ENV,
        log: log(),
      });
      assert.equal(diagnosePortal(appDir), undefined);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
