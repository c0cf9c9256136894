import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CollateFleetRow } from '@collate-backstage/plugin-collate-common';

interface Kept {
  row: CollateFleetRow;
  /** What the row was computed from: a changed entity is computed again. */
  from: string;
  at: number;
  seen: number;
}

/** A row not asked for in this long is forgotten (its deployment left the catalog, or nobody looks). */
const FORGET_MS = 60 * 60_000;

/**
 * The fleet's rows, kept in this replica: a row younger than `freshMs` is answered as is; an older one is answered
 * too while one refresh runs behind it, so a fleet view never waits for the clusters once each row was read once.
 * A deployment's first row is computed in the view. Rows are computed with the backend's own credentials (as the
 * status cache is shared), after the caller's permission check.
 */
export class FleetRows {
  private readonly kept = new Map<string, Kept>();
  private readonly refreshing = new Map<string, Promise<CollateFleetRow>>();

  constructor(
    private readonly freshMs: number,
    private readonly compute: (entity: Entity) => Promise<CollateFleetRow>,
  ) {}

  async get(entity: Entity, now = Date.now()): Promise<CollateFleetRow> {
    const ref = stringifyEntityRef(entity);
    const from = JSON.stringify([
      entity.metadata.annotations,
      entity.metadata.tags,
      entity.metadata.title,
      entity.spec?.owner,
    ]);
    const hit = this.kept.get(ref);
    if (hit && hit.from === from) {
      hit.seen = now;
      if (now - hit.at > this.freshMs)
        this.refresh(ref, from, entity).catch(() => undefined);
      return hit.row;
    }
    return this.refresh(ref, from, entity);
  }

  private refresh(ref: string, from: string, entity: Entity) {
    const running = this.refreshing.get(ref);
    if (running) return running;
    const promise = this.compute(entity)
      .then(row => {
        const now = Date.now();
        this.kept.set(ref, { row, from, at: now, seen: now });
        this.forgetUnseen(now);
        return row;
      })
      .finally(() => this.refreshing.delete(ref));
    this.refreshing.set(ref, promise);
    return promise;
  }

  private forgetUnseen(now: number) {
    for (const [ref, k] of this.kept)
      if (now - k.seen > FORGET_MS) this.kept.delete(ref);
  }
}
