// Debian's Chromium driven by playwright-core. Playwright's own browser download is never used.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser() {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} not found: scripts/test installs Debian's chromium (apt-get install chromium)`,
    );
  }
  // Playwright gives every launch a new, empty profile directory of its own.
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in with the guest provider on the sign-in page. */
export async function signInAsGuest(page, frontendUrl) {
  await page.goto(frontendUrl);
  const enter = page.getByRole('button', { name: /enter/i });
  await enter.waitFor({ timeout: 60_000 });
  await enter.click();
  // Signed in once the sign-in card is gone; the app remembers the provider for later page loads.
  await enter.waitFor({ state: 'detached', timeout: 60_000 });
}

/**
 * Walks a template's form to its review page, typing each secret into the Password field of the page whose
 * description names its Kubernetes Secret (`[["db-credentials", "…"], …]`); Create is then the next press.
 */
export async function fillToReview(page, secrets) {
  for (let i = 0; i < 10; i++) {
    const create = page.getByRole('button', { name: 'Create' });
    if (await create.isVisible()) break;
    for (const [secretName, secret] of secrets) {
      const hint = page.getByText(`Stored in the ${secretName} secret`);
      if (await hint.isVisible().catch(() => false)) {
        await page.getByLabel('Password').fill(secret);
      }
    }
    await page.getByRole('button', { name: /^(next|review)$/i }).click();
    await page.waitForTimeout(300);
  }
}
