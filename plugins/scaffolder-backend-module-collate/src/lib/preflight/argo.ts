import { AppsV1Api } from '@kubernetes/client-node';
import type { PreflightCheckDefinition } from './check';

/** Every Argo Workflows controller already in the cluster, with its version: the guides target 3.7. */
export const argoCheck: PreflightCheckDefinition = {
  name: 'argo',
  unreachable: 'warn',
  applies: () => true,
  async run({ kubeConfig }) {
    const deployments = await kubeConfig
      .makeApiClient(AppsV1Api)
      .listDeploymentForAllNamespaces({
        labelSelector: 'app.kubernetes.io/part-of=argo-workflows',
        limit: 50,
      });
    // Every workflow controller in the cluster, with its version (the image tag).
    const found = deployments.items.flatMap(d => {
      const image = d.spec?.template.spec?.containers.find(c =>
        /workflow-controller/.test(c.image ?? ''),
      )?.image;
      return image
        ? [
            {
              version: image.split(':').pop() ?? 'unknown',
              where: `${d.metadata?.namespace}/${d.metadata?.name}`,
            },
          ]
        : [];
    });
    if (found.length === 0) {
      return {
        name: 'argo',
        status: 'pass',
        reason: 'no Argo Workflows installed; it will be installed',
      };
    }
    const list = found.map(f => `${f.version} (${f.where})`).join(', ');
    const off = found.filter(f => !/^v?3\.7\./.test(f.version));
    return off.length === 0
      ? {
          name: 'argo',
          status: 'pass',
          reason: `Argo Workflows found: ${list}`,
        }
      : {
          name: 'argo',
          status: 'warn',
          reason: `Argo Workflows found: ${list}; the guides target 3.7.1`,
        };
  },
};
