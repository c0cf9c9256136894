import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import { FIELD_MANAGER, kubeMessage, kubeStatus } from './kubernetes';
import { logChange, type PlannedChange } from './plan';
import { DEPLOYMENT_MARKER, ownsExisting } from './markers';
import { REDACTED } from './redact';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface AppliedObject extends PlannedChange {
  ref: ObjectRef;
}

/** Fields the server owns or bumps: never part of a plan. */
const SERVER_FIELDS = new Set([
  'managedFields',
  'resourceVersion',
  'generation',
  'uid',
  'creationTimestamp',
]);

function refOf(obj: KubernetesObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion!,
    kind: obj.kind!,
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata!.name!,
  };
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** The top-level and metadata fields that differ between the live object and what applying would make it. */
function changedFields(
  live: KubernetesObject,
  next: KubernetesObject,
): PlannedChange['changes'] {
  const changes: NonNullable<PlannedChange['changes']> = {};
  const isSecret = live.kind === 'Secret';
  const compare = (path: string, a: unknown, b: unknown) => {
    if (!isDeepStrictEqual(a, b)) {
      const secretData = isSecret && (path === 'data' || path === 'stringData');
      changes[path] = secretData
        ? {
            current: a ? Object.keys(a as object).sort() : undefined,
            desired: `${
              b
                ? Object.keys(b as object)
                    .sort()
                    .join(',')
                : ''
            } ${REDACTED}`,
          }
        : { current: a, desired: b };
    }
  };
  const l = live as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(l), ...Object.keys(n)])) {
    if (key === 'metadata' || key === 'status') continue;
    compare(key, l[key], n[key]);
  }
  const lm = (live.metadata ?? {}) as Record<string, unknown>;
  const nm = (next.metadata ?? {}) as Record<string, unknown>;
  for (const key of new Set([...Object.keys(lm), ...Object.keys(nm)])) {
    if (SERVER_FIELDS.has(key)) continue;
    compare(`metadata.${key}`, lm[key], nm[key]);
  }
  return changes;
}

export function validateObject(obj: unknown, index: number): KubernetesObject {
  const o = obj as KubernetesObject;
  if (!o || typeof o !== 'object' || Array.isArray(o)) {
    throw new InputError(`Invalid input 'manifests[${index}]': not an object`);
  }
  if (
    typeof o.apiVersion !== 'string' ||
    typeof o.kind !== 'string' ||
    typeof o.metadata?.name !== 'string'
  ) {
    throw new InputError(
      `Invalid input 'manifests[${index}]': apiVersion, kind and metadata.name are required`,
    );
  }
  if (
    !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.metadata.name) ||
    o.metadata.name.length > 253
  ) {
    throw new InputError(
      `Invalid input 'manifests[${index}]': metadata.name '${o.metadata.name}' is not a valid object name`,
    );
  }
  if (
    o.metadata.namespace !== undefined &&
    !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(o.metadata.namespace)
  ) {
    throw new InputError(
      `Invalid input 'manifests[${index}]': metadata.namespace '${o.metadata.namespace}' is not a valid namespace`,
    );
  }
  return o;
}

/**
 * Server-side applies each object with a fixed field manager, in order. Idempotent without guessing: every
 * existing object is first applied with `dryRun=All` and the answer compared with the live object; when nothing
 * but server bookkeeping differs, no write is sent. In dry-run mode only the `dryRun=All` calls are made.
 */
export async function applyObjects(
  kc: KubeConfig,
  objects: KubernetesObject[],
  options: {
    dryRun: boolean;
    logger: LoggerService;
    /** The deployment to mark what is created with (label collate.io/deployment); existing objects are adopted. */
    deployment?: string;
  },
): Promise<AppliedObject[]> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const results: AppliedObject[] = [];
  for (const obj of objects) {
    const ref = refOf(obj);
    const resource = describeRef(ref);
    const body = { ...obj, metadata: { ...obj.metadata } } as KubernetesObject;
    delete body.metadata!.resourceVersion;
    const { deployment } = options;
    const apply = (dryRun?: 'All') =>
      client.patch(
        body,
        undefined,
        dryRun,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    try {
      const live = await client
        .read({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name: ref.name, namespace: ref.namespace },
        })
        .catch(e => {
          if (kubeStatus(e) === 404) return undefined;
          throw e;
        });
      if (deployment) {
        // Created for the deployment: marked. There before it: adopted, its labels left as they are.
        const owned = live
          ? ownsExisting(
              options.logger,
              resource,
              deployment,
              live.metadata?.labels?.[DEPLOYMENT_MARKER],
            )
          : true;
        if (owned)
          body.metadata!.labels = {
            ...body.metadata!.labels,
            [DEPLOYMENT_MARKER]: deployment,
          };
      } else if (live?.metadata?.labels?.[DEPLOYMENT_MARKER]) {
        // A marker is never taken away (server-side apply drops a label its field manager no longer sends): a
        // re-apply without a deployment, such as the ECR secret's renewal, keeps it.
        body.metadata!.labels = {
          ...body.metadata!.labels,
          [DEPLOYMENT_MARKER]: live.metadata.labels[DEPLOYMENT_MARKER],
        };
      }
      let change: AppliedObject;
      if (!live) {
        change = { ref, resource, action: 'create' };
        // The dry run lets the API server validate the object (schema, admission) before anything is written.
        if (options.dryRun && !(await namespaceMissing(client, ref)))
          await apply('All');
      } else {
        // The server's dry-run answer is the object as applying would leave it (merged, defaulted, admitted).
        // It never carries a new resourceVersion, so compare content: server bookkeeping aside, equal means
        // applying would change nothing.
        const changes = changedFields(live, await apply('All'));
        change =
          changes && Object.keys(changes).length > 0
            ? { ref, resource, action: 'update', changes }
            : { ref, resource, action: 'unchanged' };
      }
      logChange(options.logger, change, options.dryRun);
      if (!options.dryRun && change.action !== 'unchanged') await apply();
      results.push(change);
    } catch (error) {
      const status = kubeStatus(error);
      if (status === undefined) throw error;
      const message = `${resource}: ${kubeMessage(error)} (HTTP ${status})`;
      if (status === 400 || status === 422) throw new InputError(message);
      throw new Error(message);
    }
  }
  return results;
}

/** In dry-run, an object in a namespace the same plan creates cannot be validated yet. */
async function namespaceMissing(
  client: KubernetesObjectApi,
  ref: ObjectRef,
): Promise<boolean> {
  if (!ref.namespace) return false;
  try {
    await client.read({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ref.namespace },
    });
    return false;
  } catch (e) {
    if (kubeStatus(e) === 404) return true;
    throw e;
  }
}
