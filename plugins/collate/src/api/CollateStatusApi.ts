import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CollateComponentKind,
  CollateComponentStatus,
  CollateEntityStatus,
} from '@collate-backstage/plugin-collate-common';

/** Reads the status of Collate deployments from the collate backend. @public */
export interface CollateStatusApi {
  /** Every component the entity describes. */
  getEntityStatus(entityRef: string): Promise<CollateEntityStatus>;
  /** One component, for a card's refresh. */
  getComponentStatus(
    entityRef: string,
    component: CollateComponentKind,
  ): Promise<CollateComponentStatus>;
}

/** @public */
export const collateStatusApiRef = createApiRef<CollateStatusApi>({
  id: 'plugin.collate.status',
});

/** How long an entity's status is shared by the cards of one page view. */
const SHARE_MS = 2000;

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

  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  getEntityStatus(entityRef: string): Promise<CollateEntityStatus> {
    const hit = this.shared.get(entityRef);
    if (hit && Date.now() - hit.at < SHARE_MS) return hit.promise;
    const promise = this.get<CollateEntityStatus>(`${path(entityRef)}/status`);
    this.shared.set(entityRef, { at: Date.now(), promise });
    promise.catch(() => this.shared.delete(entityRef));
    return promise;
  }

  getComponentStatus(
    entityRef: string,
    component: CollateComponentKind,
  ): Promise<CollateComponentStatus> {
    return this.get<CollateComponentStatus>(
      `${path(entityRef)}/status/${component}`,
    );
  }

  private async get<T>(route: string): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('collate');
    const res = await this.options.fetchApi.fetch(`${base}${route}`);
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
