import { mockServices } from '@backstage/backend-test-utils';
import { FollowedIndexes } from './followedIndexes';
import type { KubeHttp } from './kubeHttp';
import { WorkflowIndex } from './workflowIndex';

// The caps only: no index here is asked for its workflows, so no client is ever called.
const http = {} as KubeHttp;

function followed(limits = { perCluster: 2, total: 3, minHoldMs: 60_000 }) {
  return new FollowedIndexes(async () => http, mockServices.logger.mock(), {
    idleMs: 15 * 60_000,
    workflowPageSize: 100,
    recentRuns: 5,
    limits,
  });
}

describe('FollowedIndexes', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('follows up to the per-cluster cap, then stops the least recently viewed one that is not held', async () => {
    const f = followed();
    const a = await f.get('aks-1', 'a');
    jest.advanceTimersByTime(61_000);
    await f.get('aks-1', 'b');
    jest.advanceTimersByTime(1_000);
    await f.get('aks-1', 'b');
    const c = await f.get('aks-1', 'c');
    expect(c).toBeInstanceOf(WorkflowIndex);
    expect(f.counts()).toEqual({ 'aks-1': 2 });
    // `a` was stopped for `c`: asking for it again makes a new index.
    jest.advanceTimersByTime(61_000);
    expect(await f.get('aks-1', 'a')).not.toBe(a);
    f.close();
  });

  it('does not stop an index viewed within the hold: the newcomer is read per view, and says why', async () => {
    const f = followed();
    await f.get('aks-1', 'a');
    await f.get('aks-1', 'b');
    expect(await f.get('aks-1', 'c')).toEqual({
      notFollowed:
        'not followed: limit reached: 2 namespaces are followed on cluster aks-1 (collate.status.followedNamespacesPerCluster), each viewed in the last 60 s; its workflows are read on each view',
    });
    // Another cluster has room of its own.
    expect(await f.get('aks-2', 'a')).toBeInstanceOf(WorkflowIndex);
    expect(f.counts()).toEqual({ 'aks-1': 2, 'aks-2': 1 });
    f.close();
  });

  it('caps the total across clusters', async () => {
    const f = followed();
    await f.get('aks-1', 'a');
    await f.get('aks-2', 'a');
    await f.get('aks-3', 'a');
    expect(await f.get('aks-4', 'a')).toEqual({
      notFollowed: expect.stringContaining(
        '3 namespaces are followed in all (collate.status.followedNamespaces)',
      ),
    });
    jest.advanceTimersByTime(61_000);
    await f.get('aks-2', 'a');
    await f.get('aks-3', 'a');
    expect(await f.get('aks-4', 'a')).toBeInstanceOf(WorkflowIndex);
    expect(f.counts()).toEqual({ 'aks-2': 1, 'aks-3': 1, 'aks-4': 1 });
    f.close();
  });
});
