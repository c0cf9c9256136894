import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLATE_ACTION_IDS } from '@collate-backstage/plugin-collate-common';

describe("the module's README", () => {
  it('lists every action of the module in its table', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const rows = new Set(
      [...readme.matchAll(/^\| `(collate:[a-z0-9:-]+)` +\|/gm)].map(m => m[1]),
    );
    expect(COLLATE_ACTION_IDS.filter(id => !rows.has(id))).toEqual([]);
    expect(rows.size).toBe(COLLATE_ACTION_IDS.length);
  });
});
