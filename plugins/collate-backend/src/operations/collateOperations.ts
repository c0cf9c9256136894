import { InputError } from '@backstage/errors';
import type { Entity } from '@backstage/catalog-model';
import {
  COLLATE_ANNOTATIONS,
  isAppRunActive,
  readCollateAnnotations,
  type CollatePipelineOperation,
  type CollatePipelineOperationResult,
  type CollateReindexStarted,
} from '@collate-backstage/plugin-collate-common';
import type { StatusConfig } from '../config';
import type { CachedReads } from '../status/cachedReads';
import type { ConfiguredServers } from '../status/configuredServers';
import { Findings } from '../status/findings';
import { operationFailure } from './operationFailure';
import type { StatusSources } from '../status/sources';
import type { NamespaceMarkers } from '../auth/namespaceMarker';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The writes made on an entity's Collate server from the cards: a reindex and pipeline trigger or deploy. What they
 * change is read again on the next view. Each only when the namespace Collate runs in (the entity's
 * `collate.io/kubernetes-cluster` and `collate.io/namespace`) carries the entity's deployment marker
 * ({@link NamespaceMarkers}).
 */
export class CollateOperations {
  constructor(
    private readonly config: StatusConfig,
    private readonly sources: StatusSources,
    private readonly servers: ConfiguredServers,
    private readonly reads: CachedReads,
    private readonly markers: NamespaceMarkers,
  ) {}

  /**
   * Starts a reindex of the entity's Collate (SearchIndexingApplication), or reports the run already in progress:
   * never two at once. Throws an InputError when the entity names no configured Collate server.
   */
  async startReindex(
    entity: Entity,
    recreateIndex: boolean,
  ): Promise<CollateReindexStarted> {
    const server = await this.server(
      entity,
      'the reindex runs on that Collate server',
    );
    const signal = AbortSignal.timeout(this.config.timeouts.collate * 3);
    const current = await this.sources.lastReindex(server, signal);
    if (current && isAppRunActive(current.status))
      return { started: false, run: current };
    const started = await this.sources.startReindex(
      server,
      { recreateIndex },
      signal,
    );
    await this.reads.forget(server, 'reindex');
    const run = await this.sources.lastReindex(server, signal);
    return { started, ...(run ? { run } : {}) };
  }

  /**
   * Triggers or deploys one of the pipelines of the entity's Collate server. Collate's refusals become a 409 with its
   * reason, an unknown pipeline a 404.
   */
  async operatePipeline(
    entity: Entity,
    pipelineId: string,
    operation: CollatePipelineOperation,
  ): Promise<CollatePipelineOperationResult> {
    if (!UUID.test(pipelineId))
      throw new InputError(`'${pipelineId}' is not a pipeline id (a UUID)`);
    const server = await this.server(
      entity,
      'the pipelines are on that Collate server',
    );
    let answer: { reason?: string };
    try {
      answer = await this.sources.pipelineOperation(
        server,
        pipelineId,
        operation,
        AbortSignal.timeout(this.config.timeouts.collate * 5),
      );
    } catch (error) {
      const message = (error as Error).message;
      throw operationFailure((error as { status?: number }).status ?? 0, {
        unreachable: `Collate at ${server.url} did not answer: ${message}`,
        notFound: `No ingestion pipeline ${pipelineId}: ${message}`,
        refused: message,
      });
    } finally {
      await this.reads.forget(server, 'pipelines');
    }
    return { pipelineId, operation, ...answer };
  }

  /**
   * The entity's configured Collate server, once the namespace it runs in carries the entity's deployment marker; an
   * InputError saying what to add otherwise.
   */
  private async server(entity: Entity, why: string) {
    const f = new Findings();
    const annotations = readCollateAnnotations(entity);
    const server = this.servers.collateFor(annotations.serverUrl, f);
    if (!server)
      throw new InputError(
        f.errors[0]?.message ?? `Add ${COLLATE_ANNOTATIONS.serverUrl}: ${why}`,
      );
    if (!annotations.cluster || !annotations.namespace)
      throw new InputError(
        `Add ${COLLATE_ANNOTATIONS.cluster} and ${COLLATE_ANNOTATIONS.namespace}: where the Collate server runs, whose namespace must carry the deployment's marker before anything is changed there`,
      );
    await this.markers.assertMarked(entity, {
      cluster: annotations.cluster,
      namespace: annotations.namespace,
    });
    return server;
  }
}
