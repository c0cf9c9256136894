// The browser tests' session: `scripts/start` (the portal on the live local demo, as a person starts it) and Chromium.
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';
import { repoRoot, startPortal } from './portal.mjs';

/**
 * What every browser test starts with: the portal on the live demo, started exactly as a person would, with
 * `scripts/start` (which reuses the test environment scripts/test started), and a browser. `stop()` ends them in
 * reverse order, and only what was started.
 */
export async function startLiveSession() {
  const started = [];
  const stop = async () => {
    for (const end of started.reverse()) await end();
  };
  try {
    const portal = await startPortal({
      command: [join(repoRoot, 'scripts/start')],
      timeoutMs: 600_000,
    });
    started.push(portal.stop);
    console.log(
      `portal ready in ${portal.startupMs} ms${
        portal.reused ? ' (reused)' : ''
      }`,
    );
    const browser = await launchBrowser();
    started.push(() => browser.close());
    return { browser, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
