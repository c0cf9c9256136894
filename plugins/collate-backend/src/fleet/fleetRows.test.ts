import type { Entity } from '@backstage/catalog-model';
import type { CollateFleetRow } from '@collate-backstage/plugin-collate-common';
import { FleetRows } from './fleetRows';

const entity = (owner = 'group:default/a'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'c', namespace: 'default', annotations: { x: '1' } },
  spec: { owner },
});

function rows(freshMs: number) {
  let computed = 0;
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  const fleet = new FleetRows(freshMs, async e => {
    computed++;
    const n = computed;
    if (gate) await gate;
    return {
      entityRef: 'system:default/c',
      owner: e.spec?.owner as string,
      failedRuns24h: n,
    } as CollateFleetRow;
  });
  return {
    fleet,
    computed: () => computed,
    hold: () => {
      gate = new Promise(r => {
        release = r;
      });
    },
    release: () => {
      gate = undefined;
      release();
    },
  };
}

describe('FleetRows', () => {
  it('computes a row once while it is fresh, and once for concurrent first views', async () => {
    const r = rows(60_000);
    const [a, b] = await Promise.all([
      r.fleet.get(entity()),
      r.fleet.get(entity()),
    ]);
    expect(a).toBe(b);
    await r.fleet.get(entity());
    expect(r.computed()).toBe(1);
  });

  it('answers a stale row at once and refreshes it behind the view', async () => {
    const r = rows(1000);
    const first = await r.fleet.get(entity());
    r.hold();
    const later = Date.now() + 5000;
    // Stale: the old row, without waiting for the refresh that is held.
    expect(await r.fleet.get(entity(), later)).toBe(first);
    expect(await r.fleet.get(entity(), later)).toBe(first);
    expect(r.computed()).toBe(2);
    r.release();
    await new Promise(res => setTimeout(res, 0));
    expect((await r.fleet.get(entity())).failedRuns24h).toBe(2);
  });

  it('computes again, in the view, when the entity changed', async () => {
    const r = rows(60_000);
    await r.fleet.get(entity('group:default/a'));
    const changed = await r.fleet.get(entity('group:default/b'));
    expect(changed.owner).toBe('group:default/b');
    expect(r.computed()).toBe(2);
  });
});
