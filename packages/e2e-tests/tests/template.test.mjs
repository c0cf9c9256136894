import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifactsDir, frontendUrl, repoRoot } from '../lib/portal.mjs';
import { fillToReview, signInAsGuest } from '../lib/browser.mjs';
import { startLiveSession } from '../lib/liveDemo.mjs';

let session;
let browser;

before(async () => {
  session = await startLiveSession();
  browser = session.browser;
});

after(async () => {
  await session?.stop();
});

test('a guest runs the Collate on AWS EKS template from the portal against the local environment', async () => {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1200 },
  });
  const file = join(artifactsDir, 'template-run.png');
  const charts = join(repoRoot, 'packages/testenv/charts');
  // The form starts filled in (as "Create something similar" does); the secrets are typed into their fields.
  const formData = {
    name: 'collate-portal',
    owner: 'group:default/platform-team',
    cluster: 'resource:default/local',
    namespace: 'collate-portal',
    argoNamespace: 'argo-portal',
    eksClusterName: 'collate-eks-portal',
    region: 'eu-west-1',
    bucket: 'collate-argo-artifacts-portal',
    roleSuffix: '-portal',
    dbEngine: 'postgresql',
    dbHost: process.env.COLLATE_TEST_PG_HOST,
    dbPort: Number(process.env.COLLATE_TEST_PG_PORT),
    dbUser: process.env.COLLATE_TEST_PG_USER,
    searchType: 'opensearch',
    searchHost: '127.0.0.1',
    searchPort: 9,
    searchScheme: 'http',
    searchUser: 'admin',
    imageTag: 'om-1.12.3-cl-1.12.3',
    argoChart: join(charts, 'argo-workflows'),
    argoChartRepo: '',
    argoChartVersion: '0.45.23',
    collateChart: join(charts, 'openmetadata'),
    collateChartRepo: '',
    // No search engine runs here: its check fails and is reported, the run goes on.
    preflightFailOnError: false,
  };
  try {
    await signInAsGuest(page, frontendUrl);
    await page.goto(
      `${frontendUrl}/create/templates/default/collate-aws-eks?formData=${encodeURIComponent(
        JSON.stringify(formData),
      )}`,
    );
    await page
      .getByText('Collate on AWS EKS')
      .first()
      .waitFor({ timeout: 60_000 });

    const secrets = [
      ['db-credentials', process.env.COLLATE_TEST_PG_PASSWORD],
      ['es-credentials', 'search-test-only'],
    ];
    await fillToReview(page, secrets);
    // The review lists the values; secrets are never shown.
    assert.equal(
      await page.getByText(process.env.COLLATE_TEST_PG_PASSWORD).count(),
      0,
    );
    await page.getByRole('button', { name: 'Create' }).click();

    const open = page.getByRole('link', {
      name: /Open the System in the catalog/,
    });
    await open.waitFor({ timeout: 240_000 });
    assert.match(
      await open.getAttribute('href'),
      /\/catalog\/default\/system\/collate-portal$/,
    );
    await page
      .getByText('What was created')
      .first()
      .waitFor({ timeout: 10_000 });
    assert.ok(
      await page
        .getByText(/collate-argo-controller-role-portal/)
        .first()
        .isVisible(),
    );
  } finally {
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
  }
});
