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
 * The ownership marker the Collate actions put on what they create: the label (Kubernetes) or tag (AWS) naming the
 * deployment it was created for. The backend writes to a namespace only when it carries the marker of the deployment
 * the entity belongs to. @public
 */
export const COLLATE_DEPLOYMENT_MARKER = 'collate.io/deployment';

/**
 * The deployment an entity belongs to: the one the Collate actions registered it for, else (an entity of an adopted
 * location) its System's name: its own for a System, its `spec.system` otherwise. @public
 */
export function deploymentNameOf(
  entity: AnnotatedEntity & {
    kind?: string;
    metadata: { name?: string };
    spec?: Record<string, unknown>;
  },
): string | undefined {
  const registered = registeredDeploymentOf(entity);
  if (registered) return registered;
  if (entity.kind === 'System') return entity.metadata.name;
  const system = entity.spec?.system;
  // `system:default/name`, `default/name` or `name`.
  return typeof system === 'string'
    ? system.replace(/^.*[:/]/, '') || undefined
    : undefined;
}

/**
 * What the status backend's refusal of an entity it may not act on says (a 403): the cards tell it apart from a
 * permission refusal by it. @public
 */
export const COLLATE_UNBOUND_REFUSAL =
  'was not registered by the Collate actions';
