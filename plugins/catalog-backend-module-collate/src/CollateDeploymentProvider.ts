import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type {
  AnnotateDeploymentResult,
  RegisterDeploymentResult,
  UnregisterDeploymentResult,
} from '@collate-backstage/plugin-collate-common';
import { COLLATE_DEPLOYMENT_LOCATION_TYPE } from '@collate-backstage/plugin-collate-common';
import type { DeploymentStore } from './DeploymentStore';

/**
 * Provides the entities of the Collate deployments that the templates registered: a full mutation when the catalog
 * connects (and on each scheduled resync), a delta mutation whenever a deployment is registered, changed or removed.
 * Every entity carries `backstage.io/managed-by-location: collate-deployment:<name>` and that location key, so one
 * deployment can never take over another's entity.
 */
export class CollateDeploymentProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(private readonly store: DeploymentStore) {}

  getProviderName(): string {
    return 'CollateDeploymentProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.resync();
  }

  /** Replaces everything this provider has in the catalog with what the store holds. */
  async resync(): Promise<number> {
    const connection = this.requireConnection();
    const deployments = await this.store.list();
    const entities = deployments.flatMap(d =>
      d.entities.map(e => deferred(d.name, e)),
    );
    await connection.applyMutation({ type: 'full', entities });
    return entities.length;
  }

  async list() {
    return (await this.store.list()).map(d => ({
      name: d.name,
      entityRefs: d.entities.map(e => stringifyEntityRef(e)),
      updatedAt: d.updatedAt,
    }));
  }

  async register(
    name: string,
    entities: Entity[],
    options: { dryRun: boolean },
  ): Promise<RegisterDeploymentResult> {
    const connection = this.requireConnection();
    const entityRefs = entities.map(e => stringifyEntityRef(e));
    await this.refuseTakeover(name, entityRefs);
    const existing = await this.store.get(name);
    const before = existing?.entities ?? [];
    const ownerOf = (list: Entity[]) =>
      list.find(e => e.kind === 'System')?.spec?.owner;
    if (existing && ownerOf(before) !== ownerOf(entities))
      throw new ConflictError(
        `Collate deployment '${name}' belongs to ${String(
          ownerOf(before),
        )}: another team cannot register it again as ${String(
          ownerOf(entities),
        )}. Choose another name, or have its owners decommission it first.`,
      );
    const removedEntityRefs = before
      .map(e => stringifyEntityRef(e))
      .filter(ref => !entityRefs.includes(ref));
    let action: RegisterDeploymentResult['action'] = 'create';
    if (existing) {
      action =
        JSON.stringify(before) === JSON.stringify(entities)
          ? 'unchanged'
          : 'update';
    }
    if (!options.dryRun && action !== 'unchanged') {
      await this.store.put(name, entities);
      await connection.applyMutation({
        type: 'delta',
        added: entities.map(e => deferred(name, e)),
        removed: removedEntityRefs.map(entityRef => ({
          entityRef,
          locationKey: locationOf(name),
        })),
      });
    }
    return { name, action, entityRefs, removedEntityRefs };
  }

  /**
   * Sets annotations on a registered deployment's entities: on every entity that has the annotation already (an
   * upgrade moving `collate.io/server-chart-version`), or on its System when none has it.
   */
  async annotate(
    name: string,
    annotations: Record<string, string>,
    options: { dryRun: boolean },
  ): Promise<AnnotateDeploymentResult> {
    const existing = await this.store.get(name);
    if (!existing)
      throw new NotFoundError(`Collate deployment '${name}' is not registered`);
    const changed = new Set<Entity>();
    const entities = existing.entities.map(e => ({
      ...e,
      metadata: { ...e.metadata, annotations: { ...e.metadata.annotations } },
    }));
    for (const [key, value] of Object.entries(annotations)) {
      let targets = entities.filter(e => key in e.metadata.annotations!);
      if (targets.length === 0)
        targets = entities.filter(e => e.kind === 'System').slice(0, 1);
      for (const e of targets) {
        if (e.metadata.annotations![key] === value) continue;
        e.metadata.annotations![key] = value;
        changed.add(e);
      }
    }
    const entityRefs = [...changed].map(e => stringifyEntityRef(e));
    if (changed.size > 0 && !options.dryRun)
      await this.register(name, entities, { dryRun: false });
    return {
      name,
      action: changed.size > 0 ? 'update' : 'unchanged',
      entityRefs,
    };
  }

  async unregister(
    name: string,
    options: { dryRun: boolean },
  ): Promise<UnregisterDeploymentResult> {
    const connection = this.requireConnection();
    const existing = await this.store.get(name);
    if (!existing) return { name, existed: false, removedEntityRefs: [] };
    const removed = existing.entities.map(e => deferred(name, e));
    if (!options.dryRun) {
      await this.store.delete(name);
      await connection.applyMutation({ type: 'delta', added: [], removed });
    }
    return {
      name,
      existed: true,
      removedEntityRefs: existing.entities.map(e => stringifyEntityRef(e)),
    };
  }

  private async refuseTakeover(name: string, refs: string[]) {
    for (const other of await this.store.list()) {
      if (other.name === name) continue;
      const taken = other.entities
        .map(e => stringifyEntityRef(e))
        .filter(ref => refs.includes(ref));
      if (taken.length > 0) {
        throw new ConflictError(
          `${taken.join(', ')} already belong${
            taken.length === 1 ? 's' : ''
          } to Collate deployment '${other.name}'`,
        );
      }
    }
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection) {
      throw new ServiceUnavailableError(
        'The catalog has not connected the Collate deployment provider yet',
      );
    }
    return this.connection;
  }
}

function locationOf(name: string) {
  return `${COLLATE_DEPLOYMENT_LOCATION_TYPE}:${name}`;
}

function deferred(name: string, entity: Entity): DeferredEntity {
  const location = locationOf(name);
  return {
    locationKey: location,
    entity: {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
        },
      },
    },
  };
}
