import { resolve } from 'node:path';
import type { Config } from '@backstage/config';
import {
  type Entity,
  stringifyEntityRef,
  stringifyLocationRef,
} from '@backstage/catalog-model';
import {
  COLLATE_ANNOTATION_PREFIX,
  COLLATE_DEPLOYMENT_KINDS,
  COLLATE_UNBOUND_REFUSAL,
  registeredDeploymentOf,
} from '@collate-backstage/plugin-collate-common';

const ORIGIN = 'backstage.io/managed-by-origin-location';
const COLLATE_PREFIX = `${COLLATE_ANNOTATION_PREFIX}/`;

/**
 * Which entities' `collate.io/*` coordinates the backend may act on (read status, logs, operate workflows and
 * pipelines): those the Collate actions registered (the catalog sets their origin location itself), and those read
 * from a location an operator adopted under `collate.adoptedLocations`. An owner's own `catalog-info.yaml` is neither,
 * whatever its annotations say.
 */
export class DeploymentBinding {
  private constructor(private readonly adopted: ReadonlySet<string>) {}

  /**
   * `collate.adoptedLocations`: `{ type, target }` as under `catalog.locations`; a `file` target is resolved from the
   * backend's working directory, as the catalog resolves it.
   */
  static fromConfig(config: Config): DeploymentBinding {
    const adopted = (
      config.getOptionalConfigArray('collate.adoptedLocations') ?? []
    ).map(c => {
      const type = c.getString('type');
      const target = c.getString('target');
      return stringifyLocationRef({
        type,
        target: type === 'file' ? resolve(target) : target,
      });
    });
    return new DeploymentBinding(new Set(adopted));
  }

  /** Why the backend may not act on the entity's coordinates; undefined when it may. */
  refusal(entity: Entity): string | undefined {
    const annotations = Object.keys(entity.metadata.annotations ?? {});
    // An entity without collate.io annotations names nothing to act on.
    if (!annotations.some(key => key.startsWith(COLLATE_PREFIX)))
      return undefined;
    if (registeredDeploymentOf(entity)) return undefined;
    const origin = entity.metadata.annotations?.[ORIGIN];
    if (
      origin &&
      this.adopted.has(origin) &&
      COLLATE_DEPLOYMENT_KINDS.includes(entity.kind)
    )
      return undefined;
    return `${stringifyEntityRef(
      entity,
    )} ${COLLATE_UNBOUND_REFUSAL}, and its location (${
      origin ?? 'unknown'
    }) is not adopted: its collate.io annotations cannot point the backend at a cluster or server. Ask a deployer to register the deployment with the collate-existing-deployment template, or the portal's operators to adopt its location under collate.adoptedLocations.`;
  }
}
