import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  KubernetesObjectApi,
  type KubernetesObject,
} from '@kubernetes/client-node';
import {
  clusterInput,
  kubeStatus,
  type ClusterActionOptions,
} from '../../lib/kubernetes';
import {
  decommissionInput,
  requireDeployment,
  DEPLOYMENT_MARKER,
} from '../../lib/markers';
import { assertDnsLabel } from '../../lib/validation';
import { examples } from './delete.examples';
import { nameList } from '../../lib/schema';

/** What the Collate actions create in a namespace (besides Helm releases, which collate:helm:uninstall removes). */
const MARKED_KINDS: Array<[apiVersion: string, kind: string]> = [
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['v1', 'Secret'],
  ['v1', 'ConfigMap'],
  ['v1', 'ServiceAccount'],
];

/** What else a namespace may hold: any of these that is not the deployment's keeps the namespace. */
const OTHER_KINDS: Array<[apiVersion: string, kind: string]> = [
  ...MARKED_KINDS,
  ['v1', 'Pod'],
  ['v1', 'Service'],
  ['v1', 'PersistentVolumeClaim'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'ReplicaSet'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
];

/** What Kubernetes puts in every namespace itself. */
const isBuiltIn = (kind: string, o: KubernetesObject) =>
  (kind === 'ServiceAccount' && o.metadata?.name === 'default') ||
  (kind === 'ConfigMap' && o.metadata?.name === 'kube-root-ca.crt');

const markerOf = (o: KubernetesObject) =>
  o.metadata?.labels?.[DEPLOYMENT_MARKER];

/** Helm's own record of a release revision: it carries the release's labels, and only `helm uninstall` removes it. */
const isHelmStorage = (o: KubernetesObject) =>
  o.metadata?.labels?.owner === 'helm' &&
  Boolean(o.metadata?.name?.startsWith('sh.helm.release.v1.'));

/**
 * `collate:kubernetes:delete`: deletes the Kubernetes objects a deployment's actions created (those labelled with
 * its marker) in its namespaces, then each namespace it created, unless something not its own is still there.
 * @public
 */
export function createKubernetesDeleteAction(options: ClusterActionOptions) {
  return createTemplateAction({
    id: 'collate:kubernetes:delete',
    description: `Decommission: deletes the objects labelled ${DEPLOYMENT_MARKER}=<deployment> in the given namespaces (role bindings, roles, secrets, config maps, service accounts), then each namespace that carries the marker and holds nothing else but what Kubernetes puts there; a namespace holding anything of someone else's is kept and said so. Run it after collate:helm:uninstall. Idempotent; dry-run lists what would be deleted.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        namespaces: z =>
          z
            .array(z.string())
            .min(1)
            .max(10)
            .describe("The deployment's namespaces (Collate's, Argo's)"),
        deployment: decommissionInput,
      },
      output: {
        deleted: nameList(
          'What was (in dry-run: would be) deleted, as Kind namespace/name',
        ),
        keptNamespaces: nameList(
          'Namespaces kept because something else is in them',
        ),
      },
    },
    async handler(ctx) {
      const { namespaces, deployment } = ctx.input;
      requireDeployment(deployment);
      namespaces.forEach((ns, i) => assertDnsLabel(`namespaces[${i}]`, ns));
      const kc = await options.clusters.serverKubeConfig(ctx.input.cluster);
      const client = KubernetesObjectApi.makeApiClient(kc);
      const dryRun = Boolean(ctx.isDryRun);
      const verb = dryRun ? 'would delete' : 'deleting';
      const deleted: string[] = [];
      const keptNamespaces: string[] = [];
      const list = async (
        apiVersion: string,
        kind: string,
        namespace: string,
        labelSelector?: string,
      ) =>
        (
          await client.list(
            apiVersion,
            kind,
            namespace,
            undefined,
            undefined,
            undefined,
            undefined,
            labelSelector,
          )
        ).items;
      const remove = async (object: KubernetesObject) => {
        if (dryRun) return;
        await client.delete(object).catch(e => {
          if (kubeStatus(e) !== 404) throw e;
        });
      };

      for (const namespace of namespaces) {
        const ns = await client
          .read({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: namespace },
          })
          .catch(e => {
            if (kubeStatus(e) === 404) return undefined;
            throw e;
          });
        if (!ns || ns.metadata?.deletionTimestamp) {
          ctx.logger.info(
            `namespace ${namespace} ${
              ns ? 'is being deleted' : 'does not exist'
            }: nothing to delete`,
          );
          continue;
        }
        // The deployment's Helm releases here: their objects go with `helm uninstall` (collate:helm:uninstall, the step
        // before this one), so they neither block the namespace nor are deleted one by one here.
        const releases = new Set(
          (
            await list(
              'v1',
              'Secret',
              namespace,
              `owner=helm,${DEPLOYMENT_MARKER}=${deployment}`,
            )
          ).map(o => o.metadata?.labels?.name),
        );
        const ofRelease = (o: KubernetesObject) =>
          releases.has(
            o.metadata?.annotations?.['meta.helm.sh/release-name'],
          ) &&
          (o.metadata?.annotations?.['meta.helm.sh/release-namespace'] ??
            namespace) === namespace;
        for (const [apiVersion, kind] of MARKED_KINDS) {
          for (const object of await list(
            apiVersion,
            kind,
            namespace,
            `${DEPLOYMENT_MARKER}=${deployment}`,
          )) {
            if (isHelmStorage(object)) continue;
            const what = `${kind} ${namespace}/${object.metadata!.name}`;
            ctx.logger.info(`${verb} ${what}`);
            await remove({ ...object, apiVersion, kind });
            deleted.push(what);
          }
        }
        if (markerOf(ns) !== deployment) {
          ctx.logger.info(
            `kept: namespace ${namespace} was not created by deployment ${deployment} (${
              markerOf(ns) ? `its marker names ${markerOf(ns)}` : 'no marker'
            })`,
          );
          keptNamespaces.push(namespace);
          continue;
        }
        // What is left that is not the deployment's, once its own objects are gone.
        const others: string[] = [];
        for (const [apiVersion, kind] of OTHER_KINDS) {
          for (const o of await list(apiVersion, kind, namespace)) {
            if (markerOf(o) === deployment || isBuiltIn(kind, o)) continue;
            if (ofRelease(o) || o.metadata?.deletionTimestamp) continue;
            // Owned objects (a Deployment's pods, a CronJob's jobs) are judged by their owner.
            if (o.metadata?.ownerReferences?.length) continue;
            others.push(`${kind} ${o.metadata!.name}`);
          }
        }
        if (others.length > 0) {
          ctx.logger.info(
            `kept: namespace ${namespace} holds what deployment ${deployment} did not create: ${others
              .slice(0, 10)
              .join(', ')}${
              others.length > 10 ? ` and ${others.length - 10} more` : ''
            }`,
          );
          keptNamespaces.push(namespace);
          continue;
        }
        const what = `Namespace ${namespace}`;
        ctx.logger.info(`${verb} ${what}`);
        await remove({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: namespace },
        });
        deleted.push(what);
      }
      if (deleted.length === 0)
        ctx.logger.info(
          `nothing in ${namespaces.join(
            ', ',
          )} carries ${DEPLOYMENT_MARKER}=${deployment}: nothing to delete`,
        );
      ctx.output('deleted', deleted);
      ctx.output('keptNamespaces', keptNamespaces);
    },
  });
}
