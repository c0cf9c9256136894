import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir, frontendUrl, startPortal } from '../lib/portal.mjs';
import { launchBrowser, signInAsGuest } from '../lib/browser.mjs';

let portal;
let browser;

before(async () => {
  portal = await startPortal();
  console.log(
    `portal ready in ${portal.startupMs} ms${portal.reused ? ' (reused)' : ''}`,
  );
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

test('a guest opens the demo System and sees its components', async () => {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1000 },
  });
  mkdirSync(artifactsDir, { recursive: true });
  const file = join(artifactsDir, 'demo-system.png');
  try {
    await signInAsGuest(page, frontendUrl);

    await page.goto(`${frontendUrl}/catalog/default/system/collate-demo`);
    await page
      .getByRole('heading', { name: /Collate \(demo\)/ })
      .first()
      .waitFor({ timeout: 60_000 });

    // The System page's "Has components" and "Has resources" cards list what the demo System holds,
    // each a link to the entity (shown by its title).
    const expected = {
      'Has components': [
        ['Collate server', 'collate-demo-server'],
        ['Argo Workflows', 'collate-demo-argo'],
        ['Ingestion workflows', 'collate-demo-ingestion'],
        ['Hybrid Ingestion Runner', 'collate-demo-runner'],
      ],
      'Has resources': [
        ['Collate database (PostgreSQL)', 'collate-demo-database'],
        ['Collate search engine (OpenSearch)', 'collate-demo-search'],
      ],
    };
    for (const [cardTitle, rows] of Object.entries(expected)) {
      const card = page
        .locator('div')
        .filter({ has: page.getByRole('heading', { name: cardTitle }) })
        .filter({ has: page.getByRole('table') })
        .last();
      for (const [title, name] of rows) {
        const link = card.getByRole('link', { name: title, exact: true });
        await link.waitFor({ timeout: 30_000 });
        assert.match(await link.getAttribute('href'), new RegExp(`/${name}$`));
      }
    }
    // Our overview card renders the annotations of the System.
    await page
      .getByText('Collate deployment')
      .first()
      .waitFor({ timeout: 30_000 });
    assert.ok(
      await page
        .getByText('http://openmetadata.collate:8585')
        .first()
        .isVisible(),
    );
  } finally {
    // Saved on success and on failure alike, to see what the browser saw.
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
  }
});
