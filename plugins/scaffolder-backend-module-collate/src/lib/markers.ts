import type { LoggerService } from '@backstage/backend-plugin-api';
import type { z as zod } from 'zod/v3';
import { COLLATE_DEPLOYMENT_MARKER } from '@collate-backstage/plugin-collate-common';
import { assertDnsLabel, fail } from './validation';

/**
 * The ownership marker: the tag (AWS) or label (Kubernetes) naming the deployment that created a resource. A
 * decommission deletes exactly what carries its deployment's marker, never a resource it adopted.
 */
export const DEPLOYMENT_MARKER = COLLATE_DEPLOYMENT_MARKER;

/**
 * The marker as an Azure tag name: ARM refuses `/` in tag names (InvalidTagNameCharacters), so the Azure identities
 * and storage accounts carry `collate.io_deployment`.
 */
export const AZURE_DEPLOYMENT_TAG = 'collate.io_deployment';

/** The marker as blob-container metadata (a C# identifier, as Azure Storage requires). */
export const AZURE_CONTAINER_MARKER = 'collate_deployment';

/** The marker in a role assignment's description (role assignments have no tags). */
export const roleAssignmentMarker = (deployment: string) =>
  `${DEPLOYMENT_MARKER}=${deployment}`;

/** The `deployment` input of every action that creates something. */
export const deploymentInput = (z: typeof zod) =>
  z
    .string()
    .optional()
    .describe(
      `The deployment (the name of its catalog System) this step creates for: what it creates carries the ${DEPLOYMENT_MARKER} marker, so that decommissioning that deployment deletes it and nothing else. What exists already without that marker is never marked: adopted where the action allows it (its adopt input, when it has one)`,
    );

export function assertDeployment(deployment: string | undefined): void {
  if (deployment !== undefined) assertDnsLabel('deployment', deployment);
}

/** AWS tags for a resource created for the deployment. */
export function awsMarkerTags(deployment: string | undefined) {
  return deployment ? [{ Key: DEPLOYMENT_MARKER, Value: deployment }] : [];
}

/** The deployment an AWS resource's tags name, if any. */
export function awsMarkerOf(
  tags: Array<{ Key?: string; Value?: string }> | undefined,
): string | undefined {
  return tags?.find(t => t.Key === DEPLOYMENT_MARKER)?.Value;
}

/**
 * Whether the deployment owns an existing resource: marked with its name. One it does not own is adopted: used, never
 * marked, and kept by its decommission; the log says so.
 */
export function ownsExisting(
  logger: LoggerService,
  resource: string,
  deployment: string | undefined,
  marker: string | undefined,
): boolean {
  if (!deployment) return false;
  if (marker === deployment) return true;
  logger.info(
    `${resource} exists and was not created by deployment ${deployment} (${
      marker ? `its marker names ${marker}` : 'no marker'
    }): adopted, decommissioning ${deployment} keeps it`,
  );
  return false;
}

/** The `adopt` input of the actions that create cloud identities, roles, storage accounts and releases. */
export const adoptInput = (z: typeof zod) =>
  z
    .boolean()
    .default(false)
    .describe(
      `Use the resource when it exists already without this deployment's ${DEPLOYMENT_MARKER} marker (another deployment's, or nobody's): adopted, never marked, and kept by this deployment's decommission. Without it such a resource is refused, so that one deployment never takes over another's`,
    );

/**
 * Whether the deployment owns an existing resource it would change (marked with its name); one it does not own is
 * refused with an InputError naming the owner its marker names, unless the input adopts it (then it is used, never
 * marked, kept by the decommission, and the log says so).
 */
export function claimExisting(
  logger: LoggerService,
  resource: string,
  deployment: string | undefined,
  marker: string | undefined,
  adopt: boolean,
): boolean {
  if (!deployment || marker === deployment || adopt)
    return ownsExisting(logger, resource, deployment, marker);
  return fail(
    'adopt',
    `${resource} exists and ${
      marker
        ? `belongs to deployment ${marker}`
        : 'carries no deployment marker'
    }, not ${deployment}: it is not changed. Choose another name, or set adopt: true to use it as it is (decommissioning ${deployment} then keeps it)`,
  );
}

/** The `deployment` input of every decommission action: whose marked resources to delete. */
export const decommissionInput = (z: typeof zod) =>
  z
    .string()
    .describe(
      `The deployment being decommissioned (the name of its catalog System): only what carries its ${DEPLOYMENT_MARKER} marker is deleted`,
    );

/** A decommission action's `deployment`, checked before anything is read. */
export function requireDeployment(deployment: string | undefined): string {
  if (!deployment) fail('deployment', 'required');
  assertDnsLabel('deployment', deployment);
  return deployment;
}
