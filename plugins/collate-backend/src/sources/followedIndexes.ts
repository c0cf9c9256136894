import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeHttp } from './kubeHttp';
import { WorkflowIndex } from './workflowIndex';

/**
 * The workflow indexes the backend follows with its own credentials, one per cluster and namespace: each keeps a
 * watch open, and is stopped after `idleMs` without a view.
 */
export class FollowedIndexes {
  private readonly indexes = new Map<
    string,
    { index: WorkflowIndex; lastUsed: number }
  >();
  private readonly reaper: NodeJS.Timeout;

  constructor(
    private readonly client: (cluster: string) => Promise<KubeHttp>,
    private readonly logger: LoggerService,
    private readonly options: {
      idleMs: number;
      workflowPageSize: number;
      recentRuns: number;
    },
  ) {
    this.reaper = setInterval(
      () => this.reapIdle(),
      Math.min(options.idleMs, 60_000),
    );
    this.reaper.unref();
  }

  async get(cluster: string, namespace: string): Promise<WorkflowIndex> {
    const key = `${cluster}/${namespace}`;
    let entry = this.indexes.get(key);
    if (!entry) {
      const http = await this.client(cluster);
      entry = this.indexes.get(key) ?? {
        index: new WorkflowIndex(http, namespace, this.logger, {
          pageSize: this.options.workflowPageSize,
          newest: this.options.recentRuns,
        }),
        lastUsed: Date.now(),
      };
      this.indexes.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.index;
  }

  /** Stops following a namespace's workflows (its watch), if it is followed. */
  stop(cluster: string, namespace: string) {
    const key = `${cluster}/${namespace}`;
    this.indexes.get(key)?.index.stop();
    this.indexes.delete(key);
  }

  private reapIdle() {
    const now = Date.now();
    for (const [key, entry] of this.indexes) {
      if (now - entry.lastUsed > this.options.idleMs) {
        entry.index.stop();
        this.indexes.delete(key);
        this.logger.debug(`Stopped following workflows in ${key} (idle)`);
      }
    }
  }

  close() {
    clearInterval(this.reaper);
    for (const { index } of this.indexes.values()) index.stop();
    this.indexes.clear();
  }
}
