#!/usr/bin/env node
// Checks the pending changesets (.changeset/*.md) the way a release would read them: each names only published
// workspace packages with a valid bump, and every published package has release notes (a pending changeset or a
// CHANGELOG.md from an earlier release). Run by `scripts/test lint`.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const published = new Map();
for (const dir of ['plugins']) {
  for (const name of readdirSync(join(root, dir))) {
    const file = join(root, dir, name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (!pkg.private) published.set(pkg.name, join(root, dir, name));
  }
}

const problems = [];
const mentioned = new Set();
const changesetDir = join(root, '.changeset');
for (const file of readdirSync(changesetDir).filter(
  f => f.endsWith('.md') && f !== 'README.md',
)) {
  const text = readFileSync(join(changesetDir, file), 'utf8');
  const match = text.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/);
  if (!match) {
    problems.push(`${file}: no front matter`);
    continue;
  }
  if (!match[2].trim()) problems.push(`${file}: no description`);
  for (const line of match[1].split('\n').filter(Boolean)) {
    const entry = line.match(/^['"]?([^'"]+)['"]?:\s*(major|minor|patch)$/);
    if (!entry) {
      problems.push(`${file}: cannot read "${line}"`);
    } else if (!published.has(entry[1])) {
      problems.push(`${file}: ${entry[1]} is not a published package`);
    } else {
      mentioned.add(entry[1]);
    }
  }
}
for (const [name, dir] of published) {
  if (!mentioned.has(name) && !existsSync(join(dir, 'CHANGELOG.md'))) {
    problems.push(`${name} has neither a pending changeset nor a CHANGELOG.md`);
  }
}
if (problems.length) {
  console.error(`Changesets:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `Changesets: ${published.size} published packages, all with release notes`,
);
