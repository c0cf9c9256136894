import { NotAllowedError } from '@backstage/errors';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  COLLATE_DEPLOYMENT_MARKER,
  deploymentNameOf,
} from '@collate-backstage/plugin-collate-common';
import type { StatusSources } from '../status/sources';

/**
 * The last check before any write (a workflow operation, a pipeline trigger or deploy, a reindex): the namespace the
 * write lands in must carry the marker of the deployment the entity belongs to (`collate.io/deployment=<name>`, which
 * the Collate actions put on what they create). An entity registered for one deployment can so never steer a write
 * into another deployment's namespace, whatever its annotations name. Read with the backend's own credentials, never
 * cached: a write always sees the namespace as it is.
 */
export class NamespaceMarkers {
  constructor(
    private readonly sources: Pick<StatusSources, 'namespaceLabels'>,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves when `cluster/namespace` carries the entity's deployment marker; a NotAllowedError saying why otherwise. */
  async assertMarked(
    entity: Entity,
    where: { cluster: string; namespace: string },
  ): Promise<void> {
    const deployment = deploymentNameOf(entity);
    const target = `namespace ${where.namespace} on cluster ${where.cluster}`;
    const refuse = (why: string) =>
      new NotAllowedError(
        `Refused: ${stringifyEntityRef(
          entity,
        )} may only change what belongs to its deployment${
          deployment ? ` ${deployment}` : ''
        }, and ${target} ${why}. A namespace is marked by the Collate actions that create it (collate:kubernetes:prepare); to adopt an existing one, ask a deployer to label it ${COLLATE_DEPLOYMENT_MARKER}=${
          deployment ?? '<deployment>'
        }.`,
      );
    if (!deployment)
      throw refuse('the entity names no deployment (no System) to check');
    let labels: Record<string, string> | undefined;
    try {
      labels = await this.sources.namespaceLabels(
        where.cluster,
        where.namespace,
        AbortSignal.timeout(this.timeoutMs),
      );
    } catch (e) {
      throw refuse(
        `could not be checked for its marker (${(e as Error).message})`,
      );
    }
    if (!labels) throw refuse('does not exist');
    const marker = labels[COLLATE_DEPLOYMENT_MARKER];
    if (marker === deployment) return;
    throw refuse(
      marker
        ? `belongs to deployment ${marker} (${COLLATE_DEPLOYMENT_MARKER}=${marker})`
        : `carries no ${COLLATE_DEPLOYMENT_MARKER} marker`,
    );
  }
}
