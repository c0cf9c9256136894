import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';

/** An Argo Workflows controller running in a cluster, with the version its image names. */
export interface ArgoController {
  namespace: string;
  name: string;
  /** The controller image's tag (`v3.7.1`), or `unknown`. */
  version: string;
}

/**
 * The Argo Workflows controllers in one namespace, or in every namespace: the Deployments labelled part of
 * argo-workflows (as the argo-workflows chart labels them) whose container runs the workflow-controller image.
 */
export async function findArgoControllers(
  kubeConfig: KubeConfig,
  namespace?: string,
): Promise<ArgoController[]> {
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const query = {
    labelSelector: 'app.kubernetes.io/part-of=argo-workflows',
    limit: 50,
  };
  const deployments = namespace
    ? await apps.listNamespacedDeployment({ namespace, ...query })
    : await apps.listDeploymentForAllNamespaces(query);
  return deployments.items.flatMap(d => {
    const image = d.spec?.template.spec?.containers.find(c =>
      /workflow-controller/.test(c.image ?? ''),
    )?.image;
    return image
      ? [
          {
            namespace: d.metadata?.namespace ?? '',
            name: d.metadata?.name ?? '',
            version: image.includes(':') ? image.split(':').pop()! : 'unknown',
          },
        ]
      : [];
  });
}

/**
 * The namespace of an in-cluster service URL: `http://argo-workflows-server.argo-workflows:2746` and
 * `…server.argo-workflows.svc.cluster.local` name `argo-workflows`; a bare service name is in `own`, the caller's
 * namespace. Undefined for a host that is not a cluster service (an IP address, or a name outside `.svc`).
 */
export function serviceUrlNamespace(
  url: string,
  own: string,
): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':')) return undefined;
  const labels = host.split('.');
  if (labels.length === 1) return own;
  if (labels.length === 2 || labels[2] === 'svc') return labels[1];
  return undefined;
}
