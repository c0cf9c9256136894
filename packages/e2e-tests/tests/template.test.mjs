import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifactsDir, frontendUrl } from '../lib/portal.mjs';
import { awsTemplateValues } from '../lib/awsTemplate.mjs';
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
  // The form starts filled in (as "Create something similar" does); the secrets are typed into their fields.
  const formData = awsTemplateValues('portal');
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

// The System the test above created: its Collate tab previews what decommissioning it would delete.
for (const width of [1440, 600]) {
  test(`the decommission plan of the deployment just created, on its Collate tab at ${width} px`, async () => {
    const page = await browser.newPage({ viewport: { width, height: 1100 } });
    const file = join(artifactsDir, `decommission-plan-${width}.png`);
    try {
      await signInAsGuest(page, frontendUrl);
      await page.goto(
        `${frontendUrl}/catalog/default/system/collate-portal/collate`,
      );
      await page
        .getByRole('button', { name: 'Preview decommission' })
        .click({ timeout: 60_000 });
      const dialog = page.getByRole('dialog');
      // A dry run of the AWS decommission template against the live environment: what this deployment created.
      await dialog
        .getByText('would uninstall Helm release collate-portal/openmetadata', {
          exact: false,
        })
        .waitFor({ timeout: 120_000 });
      for (const line of [
        'would uninstall Helm release argo-portal/argo-workflows',
        'would delete ServiceAccount collate-portal/om-role',
        'would delete IAM role collate-server-role-portal',
        'would delete IAM role collate-argo-controller-role-portal',
        'would remove: system:default/collate-portal',
      ])
        assert.ok(
          await dialog.getByText(line, { exact: false }).first().isVisible(),
          line,
        );
      // Asked for in the form only: the plan says the step is skipped.
      const bucket = dialog
        .getByRole('listitem')
        .filter({ hasText: 'Delete the Argo artifact bucket' });
      assert.match(await bucket.textContent(), /skipped/);
      // Nothing was deleted: the System is still here.
      await dialog.getByRole('button', { name: 'Close' }).click();
      assert.ok(
        await page
          .getByRole('button', { name: 'Decommission…' })
          .first()
          .isVisible(),
      );
      await page.getByRole('button', { name: 'Preview decommission' }).click();
      await dialog
        .getByText('would remove: system:default/collate-portal', {
          exact: false,
        })
        .waitFor({ timeout: 120_000 });
    } finally {
      await page.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
    }
  });
}
