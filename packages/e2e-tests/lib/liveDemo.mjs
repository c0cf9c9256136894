// Starts packages/testenv/src/bin/live-demo.ts: the demo System's cluster side on the local control plane, a Collate
// contract server, and an app-config file pointing the portal at both. Needs the test environment's variables
// (scripts/test e2e sets them).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';
import { artifactsDir, repoRoot, startPortal } from './portal.mjs';

export async function startLiveDemo() {
  mkdirSync(artifactsDir, { recursive: true });
  const configPath = join(artifactsDir, 'app-config.live.yaml');
  const child = spawn(
    process.execPath,
    [
      '--require',
      join(repoRoot, 'node_modules/@backstage/cli/config/nodeTransform.cjs'),
      join(repoRoot, 'packages/testenv/src/bin/live-demo.ts'),
      configPath,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', d => (stderr += d));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`live demo not ready after 180 s: ${stderr}`)),
      180_000,
    );
    child.stdout.on('data', d => {
      if (String(d).includes('ready ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`live demo exited with ${code}: ${stderr}`));
    });
  });
  return {
    configPath,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * What every browser test starts with: the live demo, the portal pointed at it and a browser. `stop()` ends them in
 * reverse order, and only what was started.
 */
export async function startLiveSession() {
  const started = [];
  const stop = async () => {
    for (const end of started.reverse()) await end();
  };
  try {
    const live = await startLiveDemo();
    started.push(live.stop);
    const portal = await startPortal({
      configs: [join(repoRoot, 'app-config.yaml'), live.configPath],
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
