#!/usr/bin/env node
// Which Backstage release this repository is on, which is the newest the registry serves, and whether the
// repository can move to it: every package it uses must have been published for that release. Read from the
// package registry alone (Backstage's release manifests are not on it). Run by `scripts/test lint`; prints, never
// fails: the fresh-portal test is what proves the packages on both releases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeRelease,
  newestRelease,
  releaseOfLockfile,
} from '../packages/e2e-tests/lib/backstageRelease.mjs';

const root = new URL('..', import.meta.url).pathname;
const version = JSON.parse(
  readFileSync(join(root, 'backstage.json'), 'utf8'),
).version;
const ours = releaseOfLockfile(join(root, 'yarn.lock'), version);
const newest = await newestRelease(root);
console.log(`this repository: Backstage ${version} (${describeRelease(ours)})`);
console.log(`newest on the registry: ${describeRelease(newest)}`);
if (newest.missing.length === 0) {
  console.log(
    'the newest release is complete for this repository: move it there (backstage.json, package.json ranges, yarn.lock)',
  );
} else {
  console.log(
    `not yet complete for this repository; not published for it yet:\n  ${newest.missing.join(
      '\n  ',
    )}`,
  );
}
