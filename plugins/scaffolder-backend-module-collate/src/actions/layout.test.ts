import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { COLLATE_ACTION_IDS } from '@collate-backstage/plugin-collate-common';

/** Every non-test source file under actions/, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) && !/\.(test|examples)\.ts$/.test(path)
      ? [path]
      : [];
  });
}

describe('the actions folder', () => {
  const files = sources(__dirname).filter(f => !f.endsWith('/index.ts'));
  const defining = new Map<string, string[]>();
  for (const file of files) {
    for (const [, id] of readFileSync(file, 'utf8').matchAll(
      /^ {4}id: '(collate:[a-z0-9:-]+)',$/gm,
    ))
      defining.set(id, [...(defining.get(id) ?? []), file]);
  }

  it('defines each action in a file of its own, and nothing else there', () => {
    expect(
      [...defining].filter(([, where]) => where.length !== 1).map(([id]) => id),
    ).toEqual([]);
    const perFile = new Map<string, string[]>();
    for (const [id, [file]] of defining)
      perFile.set(file, [...(perFile.get(file) ?? []), id]);
    expect([...perFile.values()].filter(ids => ids.length > 1)).toEqual([]);
    expect([...defining.keys()].sort()).toEqual([...COLLATE_ACTION_IDS].sort());
  });

  it('gives each action file its examples and its unit test beside it', () => {
    const missing = [...defining.values()].flatMap(([file]) =>
      ['.examples.ts', '.test.ts']
        .map(ext => file.replace(/\.ts$/, ext))
        .filter(sibling => !existsSync(sibling))
        .map(sibling => relative(__dirname, sibling)),
    );
    expect(missing).toEqual([]);
  });
});
