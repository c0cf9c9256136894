import type { CacheService } from '@backstage/backend-plugin-api';
import type {
  DetailedRuns,
  WorkflowOverview,
} from '../sources/kubernetesObjects';
import { SharedWorkflows, type FollowedWorkflows } from './sharedWorkflows';

/** One cache shared by the "replicas", as Redis is: values with a time to live. */
function sharedCache(): CacheService {
  const entries = new Map<string, { value: unknown; until: number }>();
  const cache: CacheService = {
    async get(key) {
      const e = entries.get(key);
      if (!e || e.until < Date.now()) return undefined;
      return JSON.parse(JSON.stringify(e.value));
    },
    async set(key, value, options) {
      entries.set(key, {
        value,
        until: Date.now() + ((options?.ttl as number | undefined) ?? 60_000),
      });
    },
    async delete(key) {
      entries.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}

/** A replica's own informer: counts how often it is asked, for which runs' details, and which namespaces it follows. */
function replicaSource(name: string) {
  const following = new Set<string>();
  const asked: DetailedRuns[] = [];
  let calls = 0;
  const source: FollowedWorkflows = {
    async workflows(cluster, namespace, _signal, _auth, runs) {
      calls += 1;
      asked.push(runs);
      following.add(`${cluster}/${namespace}`);
      return {
        total: 3,
        by: name,
        detail: runs,
      } as unknown as WorkflowOverview;
    },
    stopFollowing(cluster, namespace) {
      following.delete(`${cluster}/${namespace}`);
    },
  };
  return { source, following, asked, calls: () => calls };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const signal = () => AbortSignal.timeout(5000);

describe('SharedWorkflows', () => {
  const made: SharedWorkflows[] = [];
  const replica = (cache: CacheService, name: string, idleMs = 60_000) => {
    const r = replicaSource(name);
    const shared = new SharedWorkflows(cache, r.source, {
      publishMs: 50,
      idleMs,
      timeoutMs: 1000,
    });
    made.push(shared);
    return { ...r, shared };
  };
  afterEach(() => made.splice(0).forEach(s => s.close()));

  it('one replica follows a namespace; the other answers from what it publishes', async () => {
    const cache = sharedCache();
    const a = replica(cache, 'a');
    const b = replica(cache, 'b');
    expect(await a.shared.get('local', 'argo', signal())).toMatchObject({
      by: 'a',
    });
    for (let i = 0; i < 5; i++) {
      expect(await b.shared.get('local', 'argo', signal())).toMatchObject({
        by: 'a',
      });
      await sleep(60);
    }
    expect(b.calls()).toBe(0);
    expect(b.following.size).toBe(0);
    // Kept current while the other replica is asked: the holder publishes on its own.
    expect(a.calls()).toBeGreaterThan(2);
    expect([...a.following]).toEqual(['local/argo']);
  });

  it('takes over a namespace whose holder stopped publishing (its replica is gone)', async () => {
    const cache = sharedCache();
    const a = replica(cache, 'a');
    const b = replica(cache, 'b');
    await a.shared.get('local', 'argo', signal());
    a.shared.close(); // the replica is killed: no more renewals
    await sleep(200); // past the lease (3 publications)
    expect(await b.shared.get('local', 'argo', signal())).toMatchObject({
      by: 'b',
    });
    expect([...b.following]).toEqual(['local/argo']);
  });

  it('when two replicas took a namespace at once, one lets go of its informer', async () => {
    const cache = sharedCache();
    const a = replica(cache, 'a');
    const b = replica(cache, 'b');
    await Promise.all([
      a.shared.get('local', 'argo', signal()),
      b.shared.get('local', 'argo', signal()),
    ]);
    await sleep(150);
    expect(a.following.size + b.following.size).toBe(1);
  });

  it('stops following a namespace nobody asked about for the idle time', async () => {
    const cache = sharedCache();
    const a = replica(cache, 'a', 100);
    await a.shared.get('local', 'argo', signal());
    await sleep(250);
    expect(a.following.size).toBe(0);
    expect(await cache.get('workflows-lease:local/argo')).toBeUndefined();
  });

  it('reads in detail the most any replica asks: a fleet row the runs still going, a tab the newest', async () => {
    const cache = sharedCache();
    const a = replica(cache, 'a');
    const b = replica(cache, 'b');
    expect(
      await a.shared.get('local', 'ingestion', signal(), 'unfinished'),
    ).toMatchObject({ by: 'a', detail: 'unfinished' });
    // What a published for the fleet row is not enough for b's tab: a is told, reads the newest and publishes them.
    expect(
      await b.shared.get('local', 'ingestion', signal(), 'newest'),
    ).toMatchObject({ by: 'a', detail: 'newest' });
    expect(b.calls()).toBe(0);
    expect(a.asked[0]).toBe('unfinished');
    expect(a.asked).toContain('newest');
    // Once asked for, the newest stay read while the namespace is followed; less is still answered from them.
    expect(
      await a.shared.get('local', 'ingestion', signal(), 'unfinished'),
    ).toMatchObject({ detail: 'newest' });
    expect(
      await b.shared.get('local', 'ingestion', signal(), 'none'),
    ).toMatchObject({ by: 'a', detail: 'newest' });
  });
});
