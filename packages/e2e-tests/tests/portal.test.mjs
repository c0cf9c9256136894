import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  artifactsDir,
  backendUrl,
  frontendUrl,
  guestToken,
} from '../lib/portal.mjs';
import { signInAsGuest } from '../lib/browser.mjs';
import { startLiveSession } from '../lib/liveDemo.mjs';

let session;
let browser;
/** What the portal showed while scripts/start was still bringing the environment up. */
const whileStarting = { notice: '', shown: '', error: undefined };

before(async () => {
  // A fresh machine's path: scripts/start with the test environment stopped opens the portal first; the demo System's
  // cluster side then comes up on the local control plane, and the cards show live values.
  session = await startLiveSession({
    cold: true,
    whileStarting: async (b, notice) => {
      whileStarting.notice = notice;
      const page = await b.newPage({ viewport: { width: 1440, height: 1000 } });
      const file = join(artifactsDir, 'demo-starting.png');
      mkdirSync(artifactsDir, { recursive: true });
      try {
        await signInAsGuest(page, frontendUrl);
        await page.goto(
          `${frontendUrl}/catalog/default/system/collate-demo/collate`,
        );
        const said = page.getByText(/local demo environment starting/).first();
        await said.waitFor({ timeout: 120_000 });
        whileStarting.shown = await page
          .locator('main')
          .getByText(/local demo environment starting/)
          .count();
      } catch (error) {
        whileStarting.error = error;
      } finally {
        await page.screenshot({ path: file, fullPage: true });
        console.log(`screenshot: ${file}`);
        await page.close();
      }
    },
  });
  browser = session.browser;
});

after(async () => {
  await session?.stop();
});

test('scripts/start on a stopped environment opens the portal first, its cards saying the demo is starting', () => {
  assert.equal(whileStarting.error, undefined);
  assert.equal(whileStarting.notice, 'local demo environment starting');
  // The overview's panel and each component card say it.
  assert.ok(
    whileStarting.shown >= 5,
    `said ${whileStarting.shown} times on the Collate tab`,
  );
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
      // Backstage's own cards (BUI `article`) and MUI cards alike.
      const card = page
        .locator('article, .MuiCard-root')
        .filter({ has: page.getByRole('heading', { name: cardTitle }) })
        .first();
      for (const [title, name] of rows) {
        const link = card.getByRole('link', { name: title, exact: true });
        await link.waitFor({ timeout: 30_000 });
        assert.match(await link.getAttribute('href'), new RegExp(`/${name}$`));
      }
    }
    // The Overview tab has one compact Collate card, which links to the Collate tab; the component cards are there.
    await page
      .getByText('Collate deployment')
      .first()
      .waitFor({ timeout: 30_000 });
    const details = page.getByRole('link', {
      name: /Details on the Collate tab/,
    });
    assert.match(
      await details.getAttribute('href'),
      /\/collate-demo\/collate$/,
    );
    assert.equal(
      await page
        .locator('.MuiCardHeader-title')
        .getByText('Ingestion workflows', { exact: true })
        .count(),
      0,
    );
  } finally {
    // Saved on success and on failure alike, to see what the browser saw.
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
  }
});

/**
 * Table values broken inside a word: a word (text between spaces or `<wbr>` break points) wider than its cell, or a
 * cell whose content overflows it.
 */
function brokenCells(page) {
  return page.evaluate(() => {
    const ctx = document.createElement('canvas').getContext('2d');
    const broken = [];
    for (const td of document.querySelectorAll('main td')) {
      const style = getComputedStyle(td);
      const width =
        td.clientWidth -
        parseFloat(style.paddingLeft) -
        parseFloat(style.paddingRight);
      if (td.scrollWidth > td.clientWidth + 1) {
        broken.push(`overflows: ${td.innerText}`);
      }
      const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        // Visually hidden text (a link's "Opens in a new window") takes no room.
        const box = node.parentElement.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue;
        const font = getComputedStyle(node.parentElement);
        ctx.font = `${font.fontWeight} ${font.fontSize} ${font.fontFamily}`;
        for (const word of node.textContent.split(/\s+/).filter(Boolean)) {
          const w = ctx.measureText(word).width;
          if (w > width + 1) {
            broken.push(
              `${word}: ${Math.round(w)} px in ${Math.round(width)} px`,
            );
          }
        }
      }
    }
    return broken;
  });
}

for (const width of [1440, 1024]) {
  test(`the Collate tab at ${width} px: live cards side by side, no table value broken`, async () => {
    const page = await browser.newPage({ viewport: { width, height: 1200 } });
    const file = join(artifactsDir, `collate-tab-${width}.png`);
    try {
      await signInAsGuest(page, frontendUrl);
      await page.goto(
        `${frontendUrl}/catalog/default/system/collate-demo/collate`,
      );
      await page
        .getByText('warehouse-metadata-1006')
        .first()
        .waitFor({ timeout: 60_000 });
      await page.getByText('v3.7.1').first().waitFor({ timeout: 60_000 });
      // The overview across the top, the component cards two by two below it.
      const top = async title =>
        (
          await page
            .locator('.MuiCardHeader-title')
            .getByText(title, { exact: true })
            .first()
            .boundingBox()
        ).y;
      assert.ok(
        Math.abs(
          (await top('Argo Workflows')) - (await top('Collate database')),
        ) < 5,
        'Argo and database side by side',
      );
      assert.deepEqual(await brokenCells(page), []);
      // Every column of the runs table is in view inside its card, the duration included.
      const overflow = await page.evaluate(() => {
        const th = [...document.querySelectorAll('main th')].find(
          e => e.textContent.trim().toLowerCase() === 'duration',
        );
        const card = th?.closest('.MuiCard-root');
        if (!th || !card) return 'no Duration column';
        const right = th.getBoundingClientRect().right;
        const limit = card.getBoundingClientRect().right;
        return right <= limit
          ? ''
          : `Duration ends at ${right} px, its card at ${limit} px`;
      });
      assert.equal(overflow, '');
    } finally {
      await page.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
    }
  });
}

for (const width of [1440, 1024]) {
  test(`the Metaflow System's Collate tab at ${width} px: the stack's services live from the cluster, its datastore reachable`, async () => {
    const page = await browser.newPage({ viewport: { width, height: 1000 } });
    const file = join(artifactsDir, `metaflow-tab-${width}.png`);
    try {
      await signInAsGuest(page, frontendUrl);
      await page.goto(
        `${frontendUrl}/catalog/default/system/metaflow-demo/collate`,
      );
      const table = page.getByRole('table', { name: 'Metaflow services' });
      await table.waitFor({ timeout: 60_000 });
      await page
        .locator('.MuiCardHeader-title')
        .getByText('Metaflow stack', { exact: true })
        .waitFor();
      const rows = await table.locator('tbody tr').allInnerTexts();
      assert.deepEqual(
        rows.map(r => r.split(/\s+/).filter(Boolean)[0]),
        ['Metadata', 'UI', 'UI', 'Argo', 'Workflow', 'Argo'],
      );
      // Every service ready, from the Deployments OpenTofu's kubernetes provider created; migrations done.
      assert.equal(await table.getByText('1/1 ready').count(), 6);
      await table.getByText('done').waitFor();
      assert.ok(rows[0].includes('2.3.3'), rows[0]);
      await page
        .getByText(
          /reachable \(answers 403 AuthorizationFailure without credentials\)/,
        )
        .waitFor({ timeout: 30_000 });
      assert.ok(
        (await page.locator('main pre').first().innerText()).includes(
          'kubectl -n aks-demo-metaflow-default \\\n  port-forward deployment/metaflow-ui-static-service 3000:3000',
        ),
      );
      // The commands fit the card: nothing scrolls sideways.
      assert.equal(
        await page
          .locator('main pre')
          .first()
          .evaluate(e => e.scrollWidth <= e.clientWidth + 1),
        true,
      );
      // Collate's lifecycle templates (upgrade, decommission) are not offered for a Metaflow stack.
      assert.equal(
        await page
          .locator('.MuiCardHeader-title')
          .getByText('Lifecycle', { exact: true })
          .count(),
        0,
      );
      assert.deepEqual(await brokenCells(page), []);
    } finally {
      await page.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
    }
  });
}

for (const width of [1440, 1024]) {
  test(`the ingestion card at ${width} px: two weeks of runs from Argo's workflow archive, charted inside the card`, async () => {
    const page = await browser.newPage({ viewport: { width, height: 1200 } });
    const file = join(artifactsDir, `ingestion-history-${width}.png`);
    const card = page
      .locator('.MuiCard-root')
      .filter({
        has: page
          .locator('.MuiCardHeader-title')
          .getByText('Ingestion workflows', { exact: true }),
      })
      .first();
    try {
      await signInAsGuest(page, frontendUrl);
      await page.goto(
        `${frontendUrl}/catalog/default/system/collate-demo/collate`,
      );
      const chart = card.getByRole('img', {
        name: /^Ingestion runs per day, 14 days: \d+ succeeded, \d+ failed$/,
      });
      await chart.waitFor({ timeout: 60_000 });
      // The runs were seeded into the archive and deleted from the cluster: only the archive can have counted them.
      const counted = /(\d+) succeeded, (\d+) failed/.exec(
        await chart.getAttribute('aria-label'),
      );
      assert.ok(Number(counted[1]) + Number(counted[2]) >= 20, counted[0]);
      await card
        .getByText(/\d+ runs from Argo's workflow archive/)
        .waitFor({ timeout: 10_000 });
      // Fourteen days on the axis, both outcomes' bars drawn, and the chart within its card.
      assert.equal(
        (await chart
          .locator('.recharts-xAxis .recharts-cartesian-axis-tick')
          .count()) > 0,
        true,
      );
      assert.ok((await chart.locator('.recharts-bar-rectangle').count()) >= 14);
      const [c, k] = [await chart.boundingBox(), await card.boundingBox()];
      assert.ok(
        c.x >= k.x && c.x + c.width <= k.x + k.width + 1,
        `chart ${c.x}..${c.x + c.width} in card ${k.x}..${k.x + k.width}`,
      );
    } finally {
      await card.screenshot({ path: file });
      console.log(`screenshot: ${file}`);
    }
  });
}

/** The fleet route's answer for the guest, once the demo fleet has come up behind the demo (at most 5 minutes). */
async function liveFleet() {
  const token = await guestToken();
  const deadline = Date.now() + 300_000;
  for (;;) {
    const res = await fetch(`${backendUrl}/api/collate/fleet`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    const fleet = await res.json();
    // A server whose release is there is healthy, or degraded by chart drift; without it, unhealthy.
    const ready = fleet.deployments.filter(d =>
      ['healthy', 'degraded'].includes(
        d.components.find(c => c.component === 'server')?.health,
      ),
    );
    // 26 of the 30 have their openmetadata release (demoFleet.ts), and the demo System its own.
    if (ready.length >= 27) return fleet;
    if (Date.now() > deadline)
      throw new Error(
        `the fleet has ${ready.length} healthy servers after 5 minutes`,
      );
    await new Promise(r => setTimeout(r, 3000));
  }
}

for (const width of [1440, 1024]) {
  test(`the fleet page at ${width} px: thirty-one deployments, worst first, each linked to its Collate tab`, async () => {
    const fleet = await liveFleet();
    assert.ok(
      fleet.deployments.length >= 31,
      `${fleet.deployments.length} deployments`,
    );
    const page = await browser.newPage({ viewport: { width, height: 1000 } });
    const file = join(artifactsDir, `fleet-${width}.png`);
    try {
      await signInAsGuest(page, frontendUrl);
      await page.goto(`${frontendUrl}/collate-fleet`);
      await page
        .getByText(`${fleet.deployments.length} deployments`)
        .waitFor({ timeout: 60_000 });
      // Worst first: the first row is the route's first, unhealthy (a deployment without its release).
      const first = fleet.deployments[0];
      assert.equal(first.health, 'unhealthy');
      const firstLink = page
        .getByRole('link', { name: first.title, exact: true })
        .first();
      assert.equal(
        await firstLink.getAttribute('href'),
        `/catalog/default/system/${first.entityRef.split('/')[1]}/collate`,
      );
      assert.deepEqual(await brokenCells(page), []);
      // Each row charts its last week from the archive; the page never scrolls sideways.
      assert.ok(
        (await page
          .getByRole('img', { name: /^7 days: \d+ succeeded/ })
          .count()) >= Math.min(fleet.deployments.length, 30),
        'a week of runs per row',
      );
      const [scroll, client] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        document.documentElement.clientWidth,
      ]);
      assert.ok(scroll <= client, `page ${scroll} px wide in ${client} px`);
      // Nor does the table inside it: every column in view.
      assert.deepEqual(
        await page.evaluate(() =>
          [...document.querySelectorAll('main *')]
            .filter(
              e =>
                e.scrollWidth > e.clientWidth + 1 &&
                ['auto', 'scroll'].includes(getComputedStyle(e).overflowX),
            )
            .map(
              e => `${e.tagName} ${e.scrollWidth} px in ${e.clientWidth} px`,
            ),
        ),
        [],
      );
    } finally {
      await page.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
    }
  });
}

test('the demo System shows live status cards from the local control plane', async () => {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 2200 },
  });
  const file = join(artifactsDir, 'demo-status-cards.png');
  try {
    await signInAsGuest(page, frontendUrl);
    await page.goto(
      `${frontendUrl}/catalog/default/system/collate-demo/collate`,
    );

    const card = title =>
      page
        .locator('.MuiCard-root')
        .filter({
          has: page
            .locator('.MuiCardHeader-title')
            .getByText(title, { exact: true }),
        })
        .first();
    const expectIn = async (title, texts) => {
      const c = card(title);
      for (const text of texts) {
        // Not exact: external links carry a hidden "opens in a new window" text.
        await c.getByText(text).first().waitFor({ timeout: 60_000 });
      }
    };

    // Argo: the fixture release's Deployments made Ready by KWOK, the real Argo server's version,
    // the seeded workflows by phase.
    // Failed: the seeded run and the one the real controller ran (and a retry may have set going again).
    await expectIn('Argo Workflows', [
      'v3.7.1',
      'Succeeded: 4',
      /Failed: [12]\b/,
      /Running: [12]\b/,
    ]);
    assert.equal(
      await card('Argo Workflows').getByText('1/1 ready').count(),
      2,
    );
    // Database and search engine, as the Collate contract server's system status validates them.
    await expectIn('Collate database', [
      'postgresql',
      '15.4',
      'postgres.collate:5432',
    ]);
    await expectIn('Collate search engine', [
      'opensearch',
      '3.4.0',
      'http://opensearch.collate:9200',
    ]);
    await expectIn('Hybrid Ingestion Runner', ['demo-runner', 'connected']);
    // Ingestion: the newest run first, links to the Argo UI, Collate's pipelines.
    await expectIn('Ingestion workflows', [
      'warehouse-metadata-1006',
      'warehouse_profiler',
      'warehouse-metadata',
    ]);
    const runLink = card('Ingestion workflows').getByRole('link', {
      name: /warehouse-metadata-1006/,
    });
    assert.match(
      await runLink.getAttribute('href'),
      /\/workflows\/collate\/warehouse-metadata-1006$/,
    );
    // The overview: every component, two failed runs make ingestion degraded.
    await expectIn('Collate deployment', ['Degraded']);
    assert.ok(
      (await card('Collate deployment').getByText('Healthy').count()) >= 4,
    );
    // One screenshot per card, as a user sees it on the Collate tab.
    for (const title of [
      'Collate deployment',
      'Argo Workflows',
      'Collate database',
      'Collate search engine',
      'Hybrid Ingestion Runner',
      'Ingestion workflows',
    ]) {
      const cardFile = join(
        artifactsDir,
        `card-${title.toLowerCase().replace(/\s+/g, '-')}.png`,
      );
      await card(title).screenshot({ path: cardFile });
      console.log(`screenshot: ${cardFile}`);
    }
  } finally {
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
  }
});

test('an owner reindexes search from the search engine card: confirmation, then the run is shown', async () => {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1400 },
  });
  const file = join(artifactsDir, 'search-reindex.png');
  try {
    await signInAsGuest(page, frontendUrl);
    await page.goto(
      `${frontendUrl}/catalog/default/resource/collate-demo-search/collate`,
    );
    const card = page
      .locator('.MuiCard-root')
      .filter({
        has: page
          .locator('.MuiCardHeader-title')
          .getByText('Collate search engine', { exact: true }),
      })
      .first();
    // The demo's last reindex (three hours ago, 95 s), from Collate's SearchIndexingApplication runs.
    await card.getByText('took 95 s').waitFor({ timeout: 60_000 });
    await card.getByRole('button', { name: 'Reindex search' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Rebuild the search indexes?').waitFor();
    await dialog.getByRole('button', { name: 'Reindex' }).click();
    await page.getByText(/Reindex started/).waitFor({ timeout: 30_000 });
    // The card now shows the run in progress, and no second one can be started from it.
    const running = card.getByRole('button', { name: 'Reindex running' });
    await running.waitFor({ timeout: 30_000 });
    assert.equal(await running.isDisabled(), true);
    await card.getByText('running').first().waitFor();
  } finally {
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
  }
});

test('an owner reruns a failed ingestion run from the ingestion card, sees it start, and reads its log', async () => {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1600 },
  });
  const file = join(artifactsDir, 'ingestion-retry.png');
  const run = 'warehouse-usage-daily';
  try {
    await signInAsGuest(page, frontendUrl);
    await page.goto(
      `${frontendUrl}/catalog/default/system/collate-demo/collate`,
    );
    const card = page
      .locator('.MuiCard-root')
      .filter({
        has: page
          .locator('.MuiCardHeader-title')
          .getByText('Ingestion workflows', { exact: true }),
      })
      .first();
    // The run the real Argo controller ran on KWOK: its step's container exited 1.
    const row = card.getByRole('row').filter({ hasText: run });
    await row.getByText('Failed').waitFor({ timeout: 60_000 });

    // Its log, streamed from the Argo server through the backend, says why.
    await row.getByRole('button', { name: `Logs of ${run}` }).click();
    const logs = page.getByRole('dialog');
    await logs
      .getByText(/could not connect to warehouse:5432/)
      .waitFor({ timeout: 30_000 });
    await page.screenshot({
      path: join(artifactsDir, 'ingestion-logs.png'),
      fullPage: false,
    });
    await logs.getByRole('button', { name: 'Close' }).click();
    await logs.waitFor({ state: 'detached' });

    await row.getByRole('button', { name: `Actions for ${run}` }).click();
    await page.getByRole('menuitem', { name: 'Retry' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`Retry ${run}?`).waitFor();
    await dialog.getByRole('button', { name: 'Retry' }).click();
    // Argo's answer, then the refreshed card: the run is going again.
    await page
      .getByText(new RegExp(`Retry: ${run} is (Running|Pending)`))
      .waitFor({ timeout: 30_000 });
    await row
      .getByText(/Running|Pending/)
      .first()
      .waitFor({ timeout: 30_000 });
  } finally {
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
  }
});
