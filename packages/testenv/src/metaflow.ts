import { CoreV1Api } from '@kubernetes/client-node';
import { adminKubeConfig } from './env';

/**
 * The namespace of the local cluster that the Metaflow fixture (packages/testenv/terraform/metaflow-fixture) deploys
 * a stack's services into: named as metaflow-tools names the stack's AKS cluster, from org_prefix and the workspace.
 */
export function metaflowStackNamespace(
  orgPrefix: string,
  workspace = 'default',
): string {
  return `aks-${orgPrefix}-metaflow-${workspace}`;
}

/**
 * Deletes the stacks' namespaces and waits until they are gone, so that a stack applied again from fresh state (a
 * new test run) finds none of its objects left over.
 */
export async function removeMetaflowStacks(orgPrefixes: string[]) {
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  await Promise.all(
    orgPrefixes.map(async prefix => {
      const name = metaflowStackNamespace(prefix);
      await core.deleteNamespace({ name }).catch(() => undefined);
      for (let i = 0; i < 120; i++) {
        const gone = await core.readNamespace({ name }).then(
          () => false,
          () => true,
        );
        if (gone) return;
        await new Promise(r => setTimeout(r, 500));
      }
      throw new Error(`namespace ${name} was not deleted within 60 s`);
    }),
  );
}
