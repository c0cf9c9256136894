// The portal as app-config.production.yaml runs it (see lib/productionPortal.mjs): people sign in through a real
// OpenID Connect provider (Dex), the Collate permission policy decides who may deploy and who may look, and a real
// template run with canary secrets leaves them nowhere but in the Kubernetes Secrets meant to hold them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from '../lib/portal.mjs';
import { awsTemplateValues } from '../lib/awsTemplate.mjs';
import { fillToReview, launchBrowser } from '../lib/browser.mjs';
import {
  dexUser,
  dumpPortalDatabases,
  productionUrl,
  signInWithDex,
  startProductionPortal,
} from '../lib/productionPortal.mjs';

let portal;
let browser;
/** Signed-in pages and tokens, by role. */
const people = {};

before(async () => {
  portal = await startProductionPortal();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

async function signedIn(role) {
  if (!people[role]) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 1000 },
    });
    const page = await context.newPage();
    const token = await signInWithDex(page, dexUser(role));
    people[role] = { page, token };
  }
  return people[role];
}

async function api(token, path, init = {}) {
  const res = await fetch(`${productionUrl}${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      ...init.headers,
    },
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, text };
}

async function screenshot(page, name) {
  const file = join(artifactsDir, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

const templateRef = 'template:default/collate-aws-eks';
/**
 * Values for the scaffolder's API as its form sends them: a Secret field's value is a mask of the secret's length
 * (the secret itself goes in `secrets`).
 */
function withMasks(values, secrets) {
  return {
    ...values,
    ...Object.fromEntries(
      Object.entries(secrets).map(([k, v]) => [k, '*'.repeat(v.length)]),
    ),
  };
}

test('the sign-in page offers single sign-on only, and the guest provider refuses in production', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(productionUrl);
    await page
      .getByText('Sign in with your organization account')
      .waitFor({ timeout: 60_000 });
    assert.equal(await page.getByText(/guest/i).count(), 0);
    await screenshot(page, 'production-sign-in.png');
  } finally {
    await context.close();
  }
  const guest = await fetch(`${productionUrl}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  assert.notEqual(guest.status, 200);
});

test('a deployer signs in through Dex, is told they may deploy, and dry-runs the Collate on AWS EKS template', async () => {
  const { page, token } = await signedIn('deployer');
  const claims = JSON.parse(
    Buffer.from(token.split('.')[1], 'base64url').toString(),
  );
  assert.equal(claims.sub, 'user:default/alice');

  await page.goto(`${productionUrl}/create/templates/default/collate-aws-eks`);
  await page
    .getByText(/You may run this template/)
    .waitFor({ timeout: 60_000 });
  await screenshot(page, 'production-deployer-template.png');

  const access = await api(token, '/api/collate/access/deploy');
  assert.equal(access.status, 200);
  assert.equal(access.body.allowed, true);

  // The scaffolder's dry-run (the template editor's and automation's), with the template as the catalog has it.
  const template = await api(
    token,
    '/api/catalog/entities/by-name/template/default/collate-aws-eks',
  );
  assert.equal(template.status, 200);
  const secrets = {
    databasePassword: 'dry-run-password',
    searchPassword: 'dry-run-search',
  };
  const dryRun = await api(token, '/api/scaffolder/v2/dry-run', {
    method: 'POST',
    body: JSON.stringify({
      template: template.body,
      values: withMasks(awsTemplateValues('dry'), secrets),
      secrets,
      directoryContents: [],
    }),
  });
  assert.equal(dryRun.status, 200, dryRun.text.slice(0, 500));
  const messages = dryRun.body.log.map(l => l.body.message).join('\n');
  assert.equal(
    dryRun.body.log.some(l => l.body.status === 'failed'),
    false,
    messages.slice(-3000),
  );
  assert.match(messages, /would create/);
  assert.doesNotMatch(messages, /dry-run-password|dry-run-search/);
});

test('someone else is told in the form why they may not deploy, and the scaffolder refuses their task before anything is created', async () => {
  const { page, token } = await signedIn('other');
  const values = awsTemplateValues('refused');
  // The first page filled in: only the refusal holds the form.
  await page.goto(
    `${productionUrl}/create/templates/default/collate-aws-eks?formData=${encodeURIComponent(
      JSON.stringify(values),
    )}`,
  );
  const refused = page.getByText(/You may not run this template/);
  await refused.waitFor({ timeout: 60_000 });
  assert.ok(
    await page
      .getByText(/Only members of group:default\/platform-team may run them/)
      .isVisible(),
  );
  // The form stays on its first page, the refusal in view.
  await page.getByRole('button', { name: /^next$/i }).click();
  await page.waitForTimeout(1000);
  assert.ok(await refused.isVisible());
  assert.ok(await page.getByRole('textbox', { name: /^Name/ }).isVisible());
  assert.equal(
    await page.getByText('Stored in the db-credentials secret').count(),
    0,
  );
  await screenshot(page, 'production-refused-template.png');

  const access = await api(token, '/api/collate/access/deploy');
  assert.equal(access.body.allowed, false);
  assert.deepEqual(access.body.deployers, ['group:default/platform-team']);

  // Automation calling the scaffolder's API with this person's token: the task fails at its first Collate step,
  // refused by the same policy, and nothing was made.
  const secrets = { databasePassword: 'x', searchPassword: 'y' };
  const created = await api(token, '/api/scaffolder/v2/tasks', {
    method: 'POST',
    body: JSON.stringify({
      templateRef,
      values: withMasks(values, secrets),
      secrets,
    }),
  });
  assert.equal(created.status, 201, created.text);
  let task;
  for (let i = 0; i < 120; i++) {
    task = (await api(token, `/api/scaffolder/v2/tasks/${created.body.id}`))
      .body;
    if (['failed', 'completed', 'cancelled'].includes(task.status)) break;
    await new Promise(r => setTimeout(r, 500));
  }
  assert.equal(task.status, 'failed');
  const events = await api(
    token,
    `/api/scaffolder/v2/tasks/${created.body.id}/events`,
  );
  const log = events.body.map(e => e.body.message ?? '').join('\n');
  assert.match(
    log,
    /Unauthorized action: collate:[a-z:-]+\. The action is not allowed/,
  );
  const completed = events.body
    .filter(e => e.body.status === 'completed')
    .map(e => e.body.stepId);
  assert.deepEqual(completed, [], 'no step ran before the refusal');
  const system = await api(
    token,
    `/api/catalog/entities/by-name/system/default/${values.name}`,
  );
  assert.equal(system.status, 404);
});

test("someone else cannot read a deployment's status; its owner can", async () => {
  const path = '/api/collate/entities/system/default/collate-demo/status';
  const other = await signedIn('other');
  assert.equal((await api(other.token, path)).status, 403);
  await other.page.goto(
    `${productionUrl}/catalog/default/system/collate-demo/collate`,
  );
  await other.page
    .getByText(/not allowed|permission/i)
    .first()
    .waitFor({ timeout: 60_000 });
  await screenshot(other.page, 'production-status-refused.png');

  const owner = await signedIn('deployer');
  const answer = await api(owner.token, path);
  assert.equal(answer.status, 200);
  assert.ok(answer.body.components.length > 0);
});

/** Writes to the cluster since `since` that create or change workflows in `namespace`, from the API server's audit log. */
function workflowWrites(since, namespace) {
  return readFileSync(process.env.COLLATE_TEST_K8S_AUDIT_LOG, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line))
    .filter(
      e =>
        Date.parse(e.requestReceivedTimestamp) >= since &&
        e.objectRef?.resource === 'workflows' &&
        e.objectRef?.namespace === namespace &&
        ['create', 'delete'].includes(e.verb),
    )
    .map(e => `${e.verb} ${e.requestURI} by ${e.user?.username}`);
}

/** The writes the Collate contract server of the live demo accepted so far (its test introspection route). */
async function collateWrites() {
  const server = portal.liveConfig.collate.servers[0];
  const res = await fetch(`${server.baseUrl}/__testenv/mutating-calls`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });
  assert.equal(res.status, 200);
  return res.json();
}

test("another team's own catalog file steers nothing of the demo deployment: every read and write is refused, and nothing changes", async () => {
  const { page, token } = await signedIn('other');
  // Step one of the attack, as the data team may (collate.permissions.locationCreators): a System they own whose
  // annotations name the demo's cluster, namespaces and servers.
  const location = await api(token, '/api/catalog/locations', {
    method: 'POST',
    body: JSON.stringify({ type: 'url', target: portal.tenantUrl }),
  });
  assert.equal(location.status, 201, location.text);
  for (let i = 0; ; i++) {
    const found = await api(
      token,
      '/api/catalog/entities/by-name/component/default/data-team-ingestion',
    );
    if (found.status === 200) break;
    if (i === 120)
      throw new Error('the tenant entities never reached the catalog');
    await new Promise(r => setTimeout(r, 500));
  }

  const since = Date.now();
  const writesBefore = (await collateWrites()).length;
  const base = '/api/collate/entities';
  const attempts = [
    ['status', 'GET', `${base}/system/default/data-team-collate/status`],
    [
      'server status',
      'GET',
      `${base}/system/default/data-team-collate/status/server`,
    ],
    [
      'log',
      'GET',
      `${base}/component/default/data-team-ingestion/workflows/warehouse-metadata-1000/log`,
    ],
    [
      'resubmit',
      'POST',
      `${base}/component/default/data-team-ingestion/workflows/warehouse-metadata-1000/resubmit`,
    ],
    [
      'retry',
      'POST',
      `${base}/component/default/data-team-ingestion/workflows/warehouse-metadata-1002/retry`,
    ],
    [
      'terminate',
      'POST',
      `${base}/component/default/data-team-ingestion/workflows/warehouse-metadata-1006/terminate`,
    ],
    [
      'pipeline trigger',
      'POST',
      `${base}/component/default/data-team-ingestion/pipelines/0b6f0a52-58e3-4d3c-9b1e-5f7d2a8c9e01/trigger`,
    ],
    ['reindex', 'POST', `${base}/system/default/data-team-collate/reindex`],
  ];
  const answers = [];
  for (const [what, method, path] of attempts) {
    const res = await api(token, path, {
      method,
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    answers.push([what, res.status, res.body?.error?.message ?? res.text]);
  }
  for (const [what, status, message] of answers) {
    assert.equal(status, 403, `${what}: ${message}`);
    assert.match(
      message,
      /was not registered by the Collate actions, and its location \(url:http:\/\/127\.0\.0\.1:\d+\/tenant\.yaml\) is not adopted/,
      what,
    );
  }
  // The catalog module's writes: not for a user, not for a static token of the catalog plugin.
  const pwn = {
    owner: 'group:default/data-team',
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'ci-pwn' },
        spec: {
          profile: { email: 'attacker@example.com' },
          memberOf: ['platform-team'],
        },
      },
    ],
  };
  for (const bearer of [token, portal.catalogToken]) {
    const put = await api(
      bearer,
      '/api/catalog/collate/deployments/collate-demo',
      {
        method: 'PUT',
        body: JSON.stringify(pwn),
      },
    );
    assert.equal(put.status, 403, put.text);
  }
  assert.equal(
    (await api(token, '/api/catalog/entities/by-name/user/default/ci-pwn'))
      .status,
    404,
  );

  // Nothing changed, counted by the servers: no workflow created or deleted in the demo's namespace (the Argo
  // server would create a resubmitted one), no write accepted by Collate.
  assert.deepEqual(workflowWrites(since, 'collate'), []);
  assert.equal((await collateWrites()).length, writesBefore);

  // The card says why, at both widths.
  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height: 1000 });
    await page.goto(
      `${productionUrl}/catalog/default/system/data-team-collate/collate`,
    );
    await page
      .getByText('This entity is not a Collate deployment the portal manages')
      .first()
      .waitFor({ timeout: 60_000 });
    assert.ok(
      await page
        .getByText(
          /Ask a deployer to register the deployment with the collate-existing-deployment template/,
        )
        .first()
        .isVisible(),
    );
    await screenshot(page, `production-tenant-refused-${width}.png`);
  }
  await api(token, `/api/catalog/locations/${location.body.location.id}`, {
    method: 'DELETE',
  });
});

test('canary secrets of a real template run are nowhere but in the Secrets meant to hold them', async () => {
  const { page, token } = await signedIn('deployer');
  const suffix = `canary-${randomBytes(3).toString('hex')}`;
  // A value the run keeps on purpose (the search engine's user is no secret: it is a task parameter and a Helm
  // value): the same search must find it, or it finds nothing.
  const planted = `canary-plain-${randomBytes(6).toString('hex')}`;
  const values = { ...awsTemplateValues(suffix), searchUser: planted };
  const canaries = {
    database: `canary-db-${randomBytes(8).toString('hex')}`,
    search: `canary-search-${randomBytes(8).toString('hex')}`,
  };
  // Every response the browser receives while the person runs the template and looks at what it made.
  const responses = [];
  page.on('response', async response => {
    const type = response.headers()['content-type'] ?? '';
    if (!/json|text|yaml|javascript/.test(type)) return;
    try {
      responses.push(`${response.url()} ${await response.text()}`);
    } catch {
      /* a streamed or aborted body */
    }
  });
  const logStart = readFileSync(portal.logFile).length;

  await page.goto(
    `${productionUrl}/create/templates/default/collate-aws-eks?formData=${encodeURIComponent(
      JSON.stringify(values),
    )}`,
  );
  await page
    .getByText(/You may run this template/)
    .waitFor({ timeout: 60_000 });
  await fillToReview(page, [
    ['db-credentials', canaries.database],
    ['es-credentials', canaries.search],
  ]);
  await page.getByRole('button', { name: 'Create' }).click();
  const open = page.getByRole('link', {
    name: /Open the System in the catalog/,
  });
  try {
    await open.waitFor({ timeout: 300_000 });
  } finally {
    await screenshot(page, 'production-canary-run.png');
  }
  const taskId = page.url().match(/\/tasks\/([^/?#]+)/)?.[1];
  assert.ok(taskId, page.url());
  await open.click();
  await page
    .getByRole('heading', { name: new RegExp(values.name) })
    .first()
    .waitFor({ timeout: 60_000 });
  await page.goto(
    `${productionUrl}/catalog/default/system/${values.name}/collate`,
  );
  try {
    await page
      .getByText('Collate deployment')
      .first()
      .waitFor({ timeout: 60_000 });
    await page.waitForTimeout(3000);
  } finally {
    await screenshot(page, 'production-canary-collate-tab.png');
  }

  // The places searched, each with the run's own name as a control: a search that cannot find the deployment's
  // name in a place would find no canary there either, and fails the test.
  const events = await api(token, `/api/scaffolder/v2/tasks/${taskId}/events`);
  const task = await api(token, `/api/scaffolder/v2/tasks/${taskId}`);
  // The System and everything in it.
  const catalog = await api(
    token,
    `/api/catalog/entities?filter=metadata.name=${values.name}&filter=spec.system=${values.name}`,
  );
  const locations = await api(token, '/api/catalog/locations');
  const helm = process.env.HELM_BIN ?? 'helm';
  const kube = ['--kubeconfig', process.env.COLLATE_TEST_KUBECONFIG];
  const releases = JSON.parse(
    execFileSync(helm, ['list', '-A', '-o', 'json', ...kube]).toString(),
  ).filter(r => [values.namespace, values.argoNamespace].includes(r.namespace));
  assert.ok(releases.length >= 2, JSON.stringify(releases));
  const helmValues = releases
    .map(r =>
      execFileSync(helm, [
        'get',
        'values',
        '--all',
        '-o',
        'json',
        '-n',
        r.namespace,
        r.name,
        ...kube,
      ]).toString(),
    )
    .join('\n');
  // What Helm put in the cluster, but for the Secrets (whose job it is to hold the passwords).
  const helmManifests = releases
    .map(r =>
      execFileSync(helm, [
        'get',
        'manifest',
        '-n',
        r.namespace,
        r.name,
        ...kube,
      ]).toString(),
    )
    .join('\n')
    .split(/^---$/m)
    .filter(doc => !/^kind: Secret$/m.test(doc))
    .join('\n---\n');

  const places = {
    'task log and events (scaffolder API)': events.text + task.text,
    "portal databases (every table of every plugin's database)": (
      await dumpPortalDatabases()
    ).join('\n'),
    'catalog (entities and locations, catalog API)':
      catalog.text + locations.text,
    'HTTP responses the browser received': responses.join('\n'),
    "backend's stdout and stderr": readFileSync(portal.logFile)
      .subarray(logStart)
      .toString(),
    'Helm release values (helm get values --all)': helmValues,
    'Helm release manifests but Secrets (helm get manifest)': helmManifests,
  };
  // The forms a value takes on its way: as is (JSON escaping leaves these alphabets alone) and base64 (a Secret's
  // data).
  const forms = value => [value, Buffer.from(value).toString('base64')];
  const hits = (text, found) =>
    found
      .flatMap(forms)
      .reduce((n, form) => n + text.split(form).length - 1, 0);
  const report = Object.entries(places).map(([place, text]) => ({
    place,
    bytes: text.length,
    name: hits(text, [values.name]),
    planted: hits(text, [planted]),
    canaries: hits(text, Object.values(canaries)),
  }));
  console.table(report);
  for (const { place, name, canaries: found } of report) {
    assert.ok(
      name > 0,
      `${place}: the run's name is not there: the search sees nothing`,
    );
    assert.equal(found, 0, `${place}: ${found} canary hit(s)`);
  }
  // The same search finds the value the run keeps on purpose wherever the run keeps its parameters.
  for (const { place, planted: found } of report) {
    if (/task|databases|HTTP|values/.test(place))
      assert.ok(found > 0, `${place}: the planted value was not found`);
  }
});
