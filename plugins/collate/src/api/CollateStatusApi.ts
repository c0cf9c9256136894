import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CollateClusterAuth,
  CollateClusters,
  CollateComponentKind,
  CollateComponentStatus,
  CollateDeployAccess,
  CollateEntityStatus,
  CollateFleet,
  CollatePipelineOperation,
  CollatePipelineOperationResult,
  CollateReindexStarted,
  CollateRunHistory,
  CollateWorkflowOperation,
  CollateWorkflowOperationResult,
} from '@collate-backstage/plugin-collate-common';

/**
 * The signed-in user's own cluster tokens, in the Kubernetes plugin's request-body format (`{ oidc: { corp: '…' } }`),
 * for clusters whose auth provider is client-side (`oidc`, `aks`, `google`).
 *
 * @public
 */
export type CollateUserAuth = Record<string, unknown>;

/** Reads the status of Collate deployments from the collate backend. @public */
export interface CollateStatusApi {
  /** Every component the entity describes. */
  getEntityStatus(
    entityRef: string,
    auth?: CollateUserAuth,
  ): Promise<CollateEntityStatus>;
  /** One component, for a card's refresh. */
  getComponentStatus(
    entityRef: string,
    component: CollateComponentKind,
    auth?: CollateUserAuth,
  ): Promise<CollateComponentStatus>;
  /** The clusters the backend knows and how each authenticates. */
  getClusters(): Promise<CollateClusterAuth[]>;
  /** Whether the signed-in user may run the Collate templates, and who may. */
  getDeployAccess(): Promise<CollateDeployAccess>;
  /** Every Collate deployment the signed-in user may read, summed up, worst first. */
  getFleet(): Promise<CollateFleet>;
  /** The entity's ingestion runs per day over the last `days` (1 to 14, default 14): outcomes and durations. */
  getRunHistory(
    entityRef: string,
    options?: { days?: number; auth?: CollateUserAuth },
  ): Promise<CollateRunHistory>;
  /**
   * Rebuilds the search indexes of the entity's Collate, or reports the run already in progress (needs the
   * `collate.search.reindex` permission on the entity).
   */
  startReindex(
    entityRef: string,
    options?: { recreateIndex?: boolean },
  ): Promise<CollateReindexStarted>;
  /**
   * Retries, resubmits, stops or terminates a workflow of the entity's ingestion namespace on its Argo server (needs
   * `collate.workflow.<operation>` on the entity).
   */
  operateWorkflow(
    entityRef: string,
    workflow: string,
    operation: CollateWorkflowOperation,
    /** Which of the entity's ingestion locations the run is in (a run's `cluster` and `namespace`). */
    where?: { cluster?: string; namespace?: string },
  ): Promise<CollateWorkflowOperationResult>;
  /**
   * Streams the logs of a workflow of the entity's ingestion namespace (needs `collate.workflow.logs` on the entity):
   * `onText` receives the text as it arrives; resolves when the backend ends the stream (a finished run's whole log,
   * or a followed run's until it ends, within the backend's caps). Abort with `signal`.
   */
  workflowLogs(
    entityRef: string,
    workflow: string,
    options: CollateWorkflowLogOptions,
  ): Promise<void>;
  /**
   * Runs now (`trigger`) or deploys a Collate ingestion pipeline of the entity's Collate server (needs
   * `collate.pipeline.<operation>` on the entity).
   */
  operatePipeline(
    entityRef: string,
    pipelineId: string,
    operation: CollatePipelineOperation,
  ): Promise<CollatePipelineOperationResult>;
}

/** How to read a workflow's logs: follow a running one, abort, receive the text, the run's location. @public */
export interface CollateWorkflowLogOptions {
  /** Keep reading while the run goes on (within the backend's caps). */
  follow?: boolean;
  signal?: AbortSignal;
  /** Called with each piece of text as it arrives. */
  onText: (text: string) => void;
  /** Which of the entity's ingestion locations the run is in (a run's `cluster` and `namespace`). */
  where?: { cluster?: string; namespace?: string };
}

/** @public */
export const collateStatusApiRef = createApiRef<CollateStatusApi>({
  id: 'plugin.collate.status',
});

/** How long an entity's status is shared by the cards of one page view. */
const SHARE_MS = 2000;
/** How long the cluster list (for which the user's tokens are needed) is reused. */
const CLUSTERS_MS = 5 * 60_000;

/**
 * The HTTP client of the collate backend. The cards of one page all ask for the same entity at once; they share one
 * request (and its answer for two seconds), so a page view costs one call to the backend.
 * @public
 */
export class CollateStatusClient implements CollateStatusApi {
  private readonly shared = new Map<
    string,
    { at: number; promise: Promise<CollateEntityStatus> }
  >();
  private clusters?: { at: number; promise: Promise<CollateClusterAuth[]> };

  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  getEntityStatus(
    entityRef: string,
    auth?: CollateUserAuth,
  ): Promise<CollateEntityStatus> {
    const key = `${entityRef} ${auth ? JSON.stringify(auth) : ''}`;
    const hit = this.shared.get(key);
    if (hit && Date.now() - hit.at < SHARE_MS) return hit.promise;
    const promise = this.request<CollateEntityStatus>(
      `${path(entityRef)}/status`,
      auth,
    );
    this.shared.set(key, { at: Date.now(), promise });
    promise.catch(() => this.shared.delete(key));
    return promise;
  }

  getComponentStatus(
    entityRef: string,
    component: CollateComponentKind,
    auth?: CollateUserAuth,
  ): Promise<CollateComponentStatus> {
    return this.request<CollateComponentStatus>(
      `${path(entityRef)}/status/${component}`,
      auth,
    );
  }

  getClusters(): Promise<CollateClusterAuth[]> {
    if (!this.clusters || Date.now() - this.clusters.at > CLUSTERS_MS) {
      const promise = this.request<CollateClusters>('/clusters').then(
        r => r.clusters,
      );
      promise.catch(() => {
        this.clusters = undefined;
      });
      this.clusters = { at: Date.now(), promise };
    }
    return this.clusters.promise;
  }

  getDeployAccess(): Promise<CollateDeployAccess> {
    return this.request<CollateDeployAccess>('/access/deploy');
  }

  getFleet(): Promise<CollateFleet> {
    return this.request<CollateFleet>('/fleet');
  }

  getRunHistory(
    entityRef: string,
    options: { days?: number; auth?: CollateUserAuth } = {},
  ): Promise<CollateRunHistory> {
    return this.request<CollateRunHistory>(
      `${path(entityRef)}/history${
        options.days ? `?days=${encodeURIComponent(options.days)}` : ''
      }`,
      options.auth,
    );
  }

  startReindex(
    entityRef: string,
    options: { recreateIndex?: boolean } = {},
  ): Promise<CollateReindexStarted> {
    return this.post(`${path(entityRef)}/reindex`, {
      recreateIndex: options.recreateIndex ?? false,
    });
  }

  operateWorkflow(
    entityRef: string,
    workflow: string,
    operation: CollateWorkflowOperation,
    where: { cluster?: string; namespace?: string } = {},
  ): Promise<CollateWorkflowOperationResult> {
    return this.post(
      `${path(entityRef)}/workflows/${encodeURIComponent(
        workflow,
      )}/${operation}${locationQuery(where)}`,
      {},
    );
  }

  operatePipeline(
    entityRef: string,
    pipelineId: string,
    operation: CollatePipelineOperation,
  ): Promise<CollatePipelineOperationResult> {
    return this.post(
      `${path(entityRef)}/pipelines/${encodeURIComponent(
        pipelineId,
      )}/${operation}`,
      {},
    );
  }

  async workflowLogs(
    entityRef: string,
    workflow: string,
    options: CollateWorkflowLogOptions,
  ): Promise<void> {
    const base = await this.options.discoveryApi.getBaseUrl('collate');
    const query = locationParams(options.where);
    if (options.follow) query.set('follow', 'true');
    const res = await this.options.fetchApi.fetch(
      `${base}${path(entityRef)}/workflows/${encodeURIComponent(workflow)}/log${
        query.size ? `?${query}` : ''
      }`,
      { signal: options.signal },
    );
    if (!res.ok) throw await ResponseError.fromResponse(res);
    if (!res.body) {
      options.onText(await res.text());
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      options.onText(decoder.decode(value, { stream: true }));
    }
  }

  /** A POST that changes something, with a JSON body. */
  private async post<T>(route: string, body: object): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('collate');
    const res = await this.options.fetchApi.fetch(`${base}${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }

  /** A GET, or with the user's cluster tokens a POST (tokens never go into a URL). */
  private async request<T>(route: string, auth?: CollateUserAuth): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('collate');
    const withAuth = auth && Object.keys(auth).length > 0;
    const res = await this.options.fetchApi.fetch(
      `${base}${route}`,
      withAuth
        ? {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ auth }),
          }
        : undefined,
    );
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}

/** `kind:namespace/name` → `/entities/kind/namespace/name`. */
function path(entityRef: string) {
  const match = entityRef.match(/^([^:]+):(?:([^/]+)\/)?(.+)$/);
  if (!match) throw new Error(`Not an entity ref: ${entityRef}`);
  const [, kind, namespace = 'default', name] = match;
  return `/entities/${[kind, namespace, name]
    .map(p => encodeURIComponent(p.toLocaleLowerCase('en-US')))
    .join('/')}`;
}

/** `cluster` and `namespace` of a run, naming which of the entity's ingestion locations it is in. */
function locationParams(where: { cluster?: string; namespace?: string } = {}) {
  return new URLSearchParams(
    Object.entries(where).filter(([, v]) => Boolean(v)) as [string, string][],
  );
}

function locationQuery(where: { cluster?: string; namespace?: string }) {
  const query = locationParams(where);
  return query.size ? `?${query}` : '';
}
