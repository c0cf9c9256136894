// Starts the portal (`yarn start`: frontend :3000, backend :7007) for browser tests and stops it by
// process group. A portal that is already answering is reused and left running.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
export const artifactsDir = join(repoRoot, 'test-results', 'e2e');
export const frontendUrl =
  process.env.E2E_FRONTEND_URL ?? 'http://localhost:3000';
export const backendUrl =
  process.env.E2E_BACKEND_URL ?? 'http://localhost:7007';

async function answers(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

export async function guestToken() {
  const res = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in failed: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

async function catalogHasDemoSystem() {
  try {
    const token = await guestToken();
    const res = await fetch(
      `${backendUrl}/api/catalog/entities/by-name/system/default/collate-demo`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    return res.ok;
  } catch {
    return false;
  }
}

async function waitFor(what, check, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (child && child.exitCode !== null) {
      throw new Error(
        `portal exited with code ${child.exitCode} before ${what}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

/**
 * Starts a command in a process group of its own, output to `log`; `stop()` ends the whole group (a portal's
 * frontend and backend children too): SIGTERM, then SIGKILL after `graceMs` (10 s).
 *
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd: string, env?: Record<string,string>, log: import('node:stream').Writable, graceMs?: number }} options
 */
export function startInGroup(
  cmd,
  args,
  { cwd, env = {}, log, graceMs = 10_000 },
) {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env, BROWSER: 'none', FORCE_COLOR: '0' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise(r => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { child, stop };
}

/**
 * `graceMs`: how long `stop()` waits after SIGTERM before SIGKILL (scripts/start stops the test environment it
 * started before it exits).
 *
 * @param {{ command?: string[], configs?: string[], env?: Record<string,string>, timeoutMs?: number, graceMs?: number }} [options]
 * @returns {Promise<{ stop: () => Promise<void>, exited: () => boolean, reused: boolean, started: number, startupMs: number }>}
 */
export async function startPortal(options = {}) {
  const started = Date.now();
  if (await answers(`${backendUrl}/api/collate/health`)) {
    await waitFor('the demo catalog', catalogHasDemoSystem, 60_000);
    return {
      stop: async () => {},
      exited: () => false,
      reused: true,
      started,
      startupMs: 0,
    };
  }
  mkdirSync(artifactsDir, { recursive: true });
  const log = createWriteStream(join(artifactsDir, 'portal.log'));
  const [cmd, ...args] = options.command ?? [
    'yarn',
    'start',
    ...(options.configs ?? []).flatMap(c => ['--config', c]),
  ];
  const { child, stop } = startInGroup(cmd, args, {
    cwd: repoRoot,
    env: options.env,
    log,
    graceMs: options.graceMs,
  });
  try {
    const timeoutMs = options.timeoutMs ?? 240_000;
    await waitFor(
      'the backend',
      () => answers(`${backendUrl}/api/collate/health`),
      timeoutMs,
      child,
    );
    await waitFor('the frontend', () => answers(frontendUrl), timeoutMs, child);
    await waitFor('the demo catalog', catalogHasDemoSystem, 60_000, child);
  } catch (error) {
    await stop();
    throw new Error(
      `${error.message}; see ${join(artifactsDir, 'portal.log')}`,
    );
  }
  return {
    stop,
    exited: () => child.exitCode !== null,
    reused: false,
    started,
    startupMs: Date.now() - started,
  };
}
