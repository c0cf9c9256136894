import type { AnnotatedEntity } from './annotations';

/** The location type of the entities the Collate actions register: `collate-deployment:<name>`. @public */
export const COLLATE_DEPLOYMENT_LOCATION_TYPE = 'collate-deployment';

/** The kinds a Collate deployment registers: its System, Components and Resources. @public */
export const COLLATE_DEPLOYMENT_KINDS: readonly string[] = [
  'System',
  'Component',
  'Resource',
];

/**
 * The deployment the Collate actions registered an entity for, read from its origin location
 * (`backstage.io/managed-by-origin-location: collate-deployment:<name>`), which the catalog sets itself for
 * entities read from a location, whatever the file says. Undefined for any other entity. @public
 */
export function registeredDeploymentOf(
  entity: AnnotatedEntity & { kind?: string },
): string | undefined {
  if (entity.kind && !COLLATE_DEPLOYMENT_KINDS.includes(entity.kind))
    return undefined;
  const origin =
    entity.metadata.annotations?.['backstage.io/managed-by-origin-location'];
  const prefix = `${COLLATE_DEPLOYMENT_LOCATION_TYPE}:`;
  return origin?.startsWith(prefix)
    ? origin.slice(prefix.length) || undefined
    : undefined;
}

/**
 * What the status backend's refusal of an entity it may not act on says (a 403): the cards tell it apart from a
 * permission refusal by it. @public
 */
export const COLLATE_UNBOUND_REFUSAL =
  'was not registered by the Collate actions';
