// Starts packages/testenv/src/bin/live-demo.ts: the demo System's cluster side on the local control plane, a Collate
// contract server, and an app-config file pointing the portal at both. Needs the test environment's variables
// (scripts/test e2e sets them).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir, repoRoot } from './portal.mjs';

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
