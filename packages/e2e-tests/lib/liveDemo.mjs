// The browser tests' session: `scripts/start` (the portal on the live local demo, as a person starts it) and Chromium.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';
import {
  artifactsDir,
  backendUrl,
  guestToken,
  repoRoot,
  startPortal,
} from './portal.mjs';

/** The notice the demo's status says while scripts/start brings the environment up, or '' once it is live. */
async function demoNotice() {
  const token = await guestToken();
  const res = await fetch(
    `${backendUrl}/api/collate/entities/component/default/collate-demo-server/status`,
    {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    },
  );
  if (!res.ok) throw new Error(`status ${res.status}`);
  return (await res.json()).notice ?? '';
}

/**
 * Holds the test environment's lock (scripts/testenv/testenv takes it for `up` and `down`) until `release()`, so
 * that a `testenv up` started meanwhile waits: a fresh machine's long first start, made as long as a test needs.
 */
async function holdTestenvLock() {
  const dir = process.env.TESTENV_DIR ?? join(repoRoot, '.testenv');
  const child = spawn(
    'flock',
    ['-x', join(dir, '.lock'), '-c', 'echo held; exec cat >/dev/null'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const [line] = await once(child.stdout, 'data');
  if (String(line).trim() !== 'held') throw new Error(`flock said ${line}`);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.stdin.end();
    await exited;
  };
}

/**
 * What every browser test starts with: the portal on the live demo, started exactly as a person would, with
 * `scripts/start`, and a browser. `stop()` ends them in reverse order, and only what was started.
 *
 * `cold` stops the test environment first, so that scripts/start takes a fresh machine's path: the portal opens at
 * once with the demo's cards saying the environment is starting, and the session is returned once the backend has
 * restarted on the live environment. With `whileStarting(browser, notice)` the environment's start is held back
 * (its lock) until that function has looked at the starting portal. A session always ends live.
 */
export async function startLiveSession({ cold = false, whileStarting } = {}) {
  const started = [];
  const stop = async () => {
    for (const end of started.reverse()) await end();
  };
  try {
    let release = async () => {};
    if (cold) {
      execFileSync(join(repoRoot, 'scripts/testenv/testenv'), ['down'], {
        stdio: 'ignore',
      });
      if (whileStarting) {
        release = await holdTestenvLock();
        started.push(release);
      }
    }
    const portal = await startPortal({
      command: [join(repoRoot, 'scripts/start')],
      timeoutMs: 600_000,
      // scripts/start stops the test environment it started (a few seconds) before it exits.
      graceMs: 120_000,
    });
    started.push(portal.stop);
    console.log(
      `portal ready in ${portal.startupMs} ms${
        portal.reused ? ' (reused)' : ''
      }`,
    );
    const browser = await launchBrowser();
    started.push(() => browser.close());

    let starting = '';
    try {
      starting = await demoNotice();
    } catch {
      /* the backend is restarting already: the environment came up first */
    }
    if (whileStarting && cold) {
      await whileStarting(browser, starting);
      await release();
    }
    const deadline = Date.now() + 600_000;
    for (;;) {
      let notice;
      try {
        notice = await demoNotice();
      } catch {
        notice = 'restarting'; // the backend restarts on the live configuration
      }
      if (!notice) break;
      if (portal.exited()) {
        throw new Error(
          `scripts/start exited before the demo was live; see ${join(
            artifactsDir,
            'portal.log',
          )}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(`the demo still says "${notice}" after 10 minutes`);
      }
      await new Promise(r => setTimeout(r, 1000));
    }
    console.log(`live in ${Date.now() - portal.started} ms`);
    return { browser, stop, starting };
  } catch (error) {
    await stop();
    throw error;
  }
}
