// Backstage releases as the package registry serves them, and portals brought to one of them.
//
// A release is a map from every `@backstage/*` package a portal uses to one version. `backstage-cli versions:bump`
// reads that map from Backstage's release manifests, which are not on the package registry; here it is read from
// the registry alone:
// - the release this repository is on: the `@backstage/*` versions of our own yarn.lock, which our tests run on;
//   a package the lockfile lacks gets the newest version that the portal's range allows and whose own
//   `@backstage/*` dependencies the release satisfies;
// - the newest release: the `latest` version of every package, with the packages that have no version for it yet
//   (their `latest` still asks for an older release) listed as missing.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';

const SCOPE = '@backstage/';

/**
 * The framework packages a portal runs exactly one implementation of: whatever a package needs of them must be
 * satisfied by the version the portal's own runtime (the second name) is built on.
 */
const RUNTIMES = [
  ['@backstage/backend-plugin-api', '@backstage/backend-defaults'],
  ['@backstage/frontend-plugin-api', '@backstage/frontend-defaults'],
  ['@backstage/core-plugin-api', '@backstage/core-app-api'],
];

let registry;
/** The registry Yarn installs from on this machine (its own setting: no host is written into the repository). */
function registryUrl() {
  registry ??= execFileSync('yarn', ['config', 'get', 'npmRegistryServer'], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
  })
    .trim()
    .replace(/\/?$/, '/');
  return registry;
}

const packuments = new Map();
/** A package's abbreviated registry document (versions with their dependencies, dist-tags), fetched once. */
export function packument(name) {
  if (!packuments.has(name)) {
    packuments.set(
      name,
      (async () => {
        const url = `${registryUrl()}${name.replace('/', '%2f')}`;
        for (let attempt = 1; ; attempt++) {
          const res = await fetch(url, {
            headers: { Accept: 'application/vnd.npm.install-v1+json' },
            signal: AbortSignal.timeout(30_000),
          }).catch(error => ({ ok: false, status: error.message }));
          if (res.ok) return res.json();
          if (res.status === 404)
            throw new Error(`${name} is not on the registry`);
          if (attempt === 3)
            throw new Error(`registry answered ${res.status} for ${name}`);
        }
      })(),
    );
  }
  return packuments.get(name);
}

const backstageDeps = manifest =>
  Object.entries(manifest?.dependencies ?? {}).filter(([n]) =>
    n.startsWith(SCOPE),
  );

/** Every `@backstage/*` dependency of the package.json files of a repository (root, packages/*, plugins/*). */
export function workspaceManifests(dir) {
  const files = [join(dir, 'package.json')];
  for (const group of ['packages', 'plugins']) {
    if (!existsSync(join(dir, group))) continue;
    for (const name of readdirSync(join(dir, group))) {
      const file = join(dir, group, name, 'package.json');
      if (existsSync(file)) files.push(file);
    }
  }
  return files.map(file => ({
    file,
    json: JSON.parse(readFileSync(file, 'utf8')),
  }));
}

function directRanges(dir) {
  const ranges = [];
  for (const { json } of workspaceManifests(dir)) {
    for (const field of ['dependencies', 'devDependencies']) {
      for (const [name, range] of Object.entries(json[field] ?? {})) {
        if (name.startsWith(SCOPE)) ranges.push([name, range]);
      }
    }
  }
  return ranges;
}

/** `name@version` → its manifest, for every package a Yarn lockfile resolved. */
export function readLockfile(file) {
  const lock = parseYaml(readFileSync(file, 'utf8'));
  const resolved = new Map();
  for (const [key, entry] of Object.entries(lock)) {
    if (key === '__metadata' || !entry?.version) continue;
    const name = key.slice(0, key.indexOf('@', 1));
    resolved.set(`${name}@${entry.version}`, {
      name,
      version: entry.version,
      dependencies: entry.dependencies ?? {},
    });
  }
  return resolved;
}

/** The release this repository is on: the highest version of each `@backstage/*` package in its yarn.lock. */
export function releaseOfLockfile(file, label) {
  const versions = {};
  for (const { name, version } of readLockfile(file).values()) {
    if (!name.startsWith(SCOPE)) continue;
    if (!versions[name] || semver.gt(version, versions[name]))
      versions[name] = version;
  }
  return { label, versions, missing: [] };
}

/**
 * Completes a release for the packages a portal uses: each package it lacks gets the newest version in the range
 * asked for whose `@backstage/*` dependencies the release already satisfies (the newest in range when none does:
 * `diagnosePortal` then names the mismatch), and so on down the dependency tree.
 */
export async function completeRelease(release, dir) {
  const versions = { ...release.versions };
  const queue = directRanges(dir);
  while (queue.length > 0) {
    const [name, range] = queue.shift();
    if (versions[name]) continue;
    const doc = await packument(name);
    const candidates = Object.keys(doc.versions)
      .filter(v => !semver.prerelease(v) && semver.satisfies(v, range))
      .sort(semver.rcompare);
    const fits = v =>
      backstageDeps(doc.versions[v]).every(
        ([dep, r]) => !versions[dep] || semver.satisfies(versions[dep], r),
      );
    const chosen = candidates.find(fits) ?? candidates[0];
    if (!chosen) throw new Error(`no version of ${name} satisfies ${range}`);
    versions[name] = chosen;
    queue.push(...backstageDeps(doc.versions[chosen]));
  }
  return { ...release, versions };
}

/**
 * The newest release the registry serves, for the packages a portal (or this repository) uses: every package at
 * its `latest` version. A package whose `latest` still asks for an older version of a package of the release has
 * not been published for it yet: it is listed in `missing`, with what it asks for.
 */
export async function newestRelease(dir, label = 'newest') {
  const versions = {};
  const queue = directRanges(dir).map(([name]) => name);
  while (queue.length > 0) {
    const name = queue.shift();
    if (versions[name]) continue;
    const doc = await packument(name);
    versions[name] = doc['dist-tags'].latest;
    queue.push(...backstageDeps(doc.versions[versions[name]]).map(([n]) => n));
  }
  const missing = [];
  for (const [name, version] of Object.entries(versions)) {
    const doc = await packument(name);
    for (const [dep, range] of backstageDeps(doc.versions[version])) {
      if (!semver.satisfies(versions[dep], range))
        missing.push(
          `${name}@${version} (asks for ${dep} ${range}, the release has ${versions[dep]})`,
        );
    }
  }
  return { label, versions, missing };
}

/** The versions of the anchors people name a release by, for logs and notes. */
export function describeRelease(release, extra = []) {
  return [
    '@backstage/backend-defaults',
    '@backstage/backend-plugin-api',
    '@backstage/frontend-plugin-api',
    ...extra,
  ]
    .filter(n => release.versions[n])
    .map(n => `${n.slice(SCOPE.length)} ${release.versions[n]}`)
    .join(', ');
}

/**
 * Brings a portal to one release, as `versions:bump` does: every `@backstage/*` dependency of its package.json
 * files names the release's version, and root resolutions hold every package of the release, transitive ones
 * included, to that version.
 */
export function alignPortal(appDir, release) {
  for (const { file, json } of workspaceManifests(appDir)) {
    for (const field of ['dependencies', 'devDependencies']) {
      for (const name of Object.keys(json[field] ?? {})) {
        if (name.startsWith(SCOPE) && release.versions[name])
          json[field][name] = `^${release.versions[name]}`;
      }
    }
    if (file === join(appDir, 'package.json')) {
      json.resolutions = { ...json.resolutions, ...release.versions };
    }
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  }
}

/**
 * Why a portal that Yarn resolved cannot run as one Backstage release, in one line, or undefined when it can.
 * For each framework API the portal implements once (`backend-plugin-api` through `backend-defaults`, …), every
 * resolved package that asks for that API must be satisfied by the version the implementation is built on.
 * `ours` names the packages whose mistakes are ours; any other mistake is Backstage's or the portal's.
 */
export function diagnosePortal(appDir, { ours = [], release } = {}) {
  // The portal's own dependencies are named first: they are the ones its author recognises.
  const direct = new Set(directRanges(appDir).map(([name]) => name));
  const resolved = [...readLockfile(join(appDir, 'yarn.lock')).values()].sort(
    (a, b) => direct.has(b.name) - direct.has(a.name),
  );
  const problems = [];
  // Our packages must also declare every version of the release: a resolution that overrides one of their ranges
  // would otherwise hide it.
  for (const p of resolved.filter(r => release && ours.includes(r.name))) {
    for (const [dep, spec] of Object.entries(p.dependencies)) {
      const range = spec.replace(/^npm:/, '');
      const version = release.versions[dep];
      if (
        version &&
        semver.validRange(range) &&
        !semver.satisfies(version, range)
      )
        problems.push({
          ours: true,
          text: `${p.name}@${p.version} declares ${dep} ${range}, the release has ${version}`,
        });
    }
  }
  for (const [api, runtime] of RUNTIMES) {
    for (const rt of resolved.filter(p => p.name === runtime)) {
      // A runtime implements the API version it was released with: the lower bound of the range it asks for.
      const built = rt.dependencies[api]?.replace(/^npm:/, '');
      if (!built || !semver.validRange(built)) continue;
      const implemented = semver.minVersion(built).version;
      const needing = new Map();
      for (const p of resolved) {
        const range = p.dependencies[api]?.replace(/^npm:/, '');
        if (!range || !semver.validRange(range)) continue;
        if (semver.satisfies(implemented, range)) continue;
        needing.set(range, [...(needing.get(range) ?? []), p]);
      }
      for (const [range, packages] of needing) {
        const mine = packages.filter(p => ours.includes(p.name));
        const shown = (mine.length > 0 ? mine : packages).map(
          p => `${p.name}@${p.version}`,
        );
        const list =
          shown.length > 3
            ? `${shown.slice(0, 3).join(', ')} and ${shown.length - 3} more`
            : shown.join(', ');
        problems.push({
          ours: mine.length > 0,
          text: `${list} need${
            shown.length > 1 ? '' : 's'
          } ${api} ${range}, but the portal's ${runtime}@${
            rt.version
          } implements ${implemented}`,
        });
      }
    }
  }
  if (problems.length === 0) return undefined;
  const mine = problems.filter(p => p.ours);
  const shown = mine.length > 0 ? mine : problems;
  const who =
    mine.length > 0
      ? 'our packages do not fit this portal'
      : 'not ours: the portal mixes two Backstage releases';
  return `${who}: ${shown.map(p => p.text).join('; ')}`;
}
