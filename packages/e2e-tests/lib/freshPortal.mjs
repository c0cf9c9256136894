// A portal made the way our users make theirs: `@backstage/create-app` in a temporary folder, our packages from
// `yarn pack` tarballs, then exactly the install steps of the root README (its blocks marked `fresh-portal:`).
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startInGroup } from './portal.mjs';
import { alignPortal, diagnosePortal } from './backstageRelease.mjs';

/** The create-app release of the Backstage version this repository is on (backstage.json). */
export const CREATE_APP_VERSION = '0.9.2';

/** The published packages: every workspace package under plugins/ that is not private. */
export function publishedPackages() {
  return readdirSync(join(repoRoot, 'plugins'))
    .map(dir => ({
      dir: join(repoRoot, 'plugins', dir),
      pkg: JSON.parse(
        readFileSync(join(repoRoot, 'plugins', dir, 'package.json'), 'utf8'),
      ),
    }))
    .filter(p => !p.pkg.private)
    .map(p => ({ name: p.pkg.name, dir: p.dir }));
}

/** Runs a command, its output appended to `log`; rejects with the tail of that output when it fails. */
export function run(cmd, args, { cwd, env = {}, log }) {
  return new Promise((resolve, reject) => {
    const out = [];
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = chunk => {
      out.push(chunk);
      log?.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', code => {
      const text = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(text);
      else
        reject(
          new Error(
            `${cmd} ${args.join(' ')} (in ${cwd}) exited with ${code}:\n${text
              .split('\n')
              .slice(-30)
              .join('\n')}`,
          ),
        );
    });
  });
}

/** Builds each published package and packs it as `yarn pack` would for the registry (prepack rewrites exports). */
export async function packPackages(outDir, log) {
  mkdirSync(outDir, { recursive: true });
  const tarballs = {};
  for (const { name, dir } of publishedPackages()) {
    await run('yarn', ['build'], { cwd: dir, log });
    const file = join(outDir, `${name.replace('@', '').replace('/', '-')}.tgz`);
    await run('yarn', ['pack', '--out', file], { cwd: dir, log });
    tarballs[name] = file;
  }
  return tarballs;
}

/**
 * The README's install steps: `<!-- fresh-portal:shell -->` before a shell block runs each command;
 * `<!-- fresh-portal:append FILE before MARKER -->` before a code block inserts its lines into FILE before MARKER.
 */
export function readmeSteps() {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const steps = [];
  const re =
    /<!-- fresh-portal:(\w+)(?: ([^ ]+) before (.+?))? -->\s*```\w*\n([\s\S]*?)```/g;
  for (const m of readme.matchAll(re)) {
    const [, kind, file, marker, body] = m;
    if (kind === 'shell') {
      steps.push({
        kind,
        commands: body
          .split('\n')
          .map(l => l.trim())
          .filter(l => l && !l.startsWith('#')),
      });
    } else if (kind === 'append') {
      steps.push({
        kind,
        file,
        marker,
        lines: body
          .split('\n')
          .filter(l => !/^\/\/ packages\//.test(l.trim()))
          .join('\n'),
      });
    }
  }
  if (steps.length === 0) throw new Error('README has no fresh-portal steps');
  return steps;
}

/** Creates a portal with `@backstage/create-app` in `workDir`, dependencies not installed yet. */
export async function createApp({ workDir, name = 'fresh-portal', log }) {
  const appDir = join(workDir, name);
  await run(
    'yarn',
    [
      'dlx',
      '-p',
      `@backstage/create-app@${CREATE_APP_VERSION}`,
      'backstage-create-app',
      '--skip-install',
      '--path',
      appDir,
    ],
    { cwd: workDir, env: { BACKSTAGE_APP_NAME: name }, log },
  );
  return appDir;
}

/**
 * Adds root resolutions to a created portal: the registry this machine reaches lacks a few upstream versions our
 * own lockfile also avoids, so our root resolutions apply to it too, and `extra` (our tarballs) on top.
 */
export function addResolutions(appDir, extra = {}) {
  const rootPkgFile = join(appDir, 'package.json');
  const rootPkg = JSON.parse(readFileSync(rootPkgFile, 'utf8'));
  const ours = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  rootPkg.resolutions = {
    ...rootPkg.resolutions,
    ...ours.resolutions,
    ...extra,
  };
  writeFileSync(rootPkgFile, `${JSON.stringify(rootPkg, null, 2)}\n`);
}

/** A portal being set up changes its lockfile; CI=true would make Yarn refuse that. */
export const PORTAL_ENV = { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' };

/**
 * Creates the portal, brings it to one Backstage release (`releaseFor(appDir)` says which, from the created
 * portal's own dependencies) and applies the README's steps. The packages come from the tarballs: the README's
 * package names in `yarn add` point at them, and root resolutions keep the packages' dependencies on each other
 * there. Before our packages are added the portal must already be one release: otherwise the error says, in one
 * line, that it is not ours and which packages of which versions disagree.
 */
export async function createFreshPortal({
  workDir,
  tarballs,
  releaseFor,
  log,
}) {
  const appDir = await createApp({ workDir, log });
  const release = await releaseFor(appDir);
  alignPortal(appDir, release);
  addResolutions(
    appDir,
    Object.fromEntries(
      Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]),
    ),
  );
  const env = PORTAL_ENV;
  await run('yarn', ['install'], { cwd: appDir, env, log });
  const upstream = diagnosePortal(appDir);
  if (upstream)
    throw new Error(`fresh portal on ${release.label}: ${upstream}`);

  const applied = [];
  for (const step of readmeSteps()) {
    if (step.kind === 'shell') {
      for (const command of step.commands) {
        const fromTarballs = command.replace(
          /@collate-backstage\/[a-z0-9-]+/g,
          name => {
            if (!tarballs[name]) throw new Error(`no tarball for ${name}`);
            return `${name}@file:${tarballs[name]}`;
          },
        );
        await run('sh', ['-c', fromTarballs], { cwd: appDir, env, log });
        applied.push(command);
      }
    } else {
      const file = join(appDir, step.file);
      const text = readFileSync(file, 'utf8');
      if (!text.includes(step.marker)) {
        throw new Error(`${step.file} has no "${step.marker}"`);
      }
      writeFileSync(
        file,
        text.replace(step.marker, `${step.lines}\n${step.marker}`),
      );
      applied.push(
        `${step.file}: ${step.lines.trim().split('\n').length} lines`,
      );
    }
  }
  const withOurs = diagnosePortal(appDir, {
    ours: Object.keys(tarballs),
    release,
  });
  if (withOurs)
    throw new Error(`fresh portal on ${release.label}: ${withOurs}`);
  return { appDir, applied, release };
}

/** Starts `yarn start` of the fresh portal in its own process group, output to `logFile`. */
export function startFreshPortal({ appDir, configs, logFile }) {
  return startInGroup(
    'yarn',
    ['start', ...configs.flatMap(c => ['--config', c])],
    {
      cwd: appDir,
      log: createWriteStream(logFile),
    },
  );
}
