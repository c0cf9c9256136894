import { execFile } from 'node:child_process';
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { terraformFixturePath } from './charts';
import { adminKubeConfig, requireEnv, testEnv } from './env';

const execFileAsync = promisify(execFile);

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

/**
 * The local plane's stand-in for a Metaflow stack's storage account: the OAuth Azurite's `metaflowlocal` account
 * (scripts/testenv/azurite.sh). `terraformEnv` hands it to the fixture (its `local_plane_blob_endpoint`), and
 * `storageHosts` is the `collate.status.storageHosts` that lets the Metaflow card probe it.
 */
export function metaflowLocalPlane() {
  const blobEndpoint = requireEnv('COLLATE_TEST_METAFLOW_BLOB_ENDPOINT');
  return {
    blobEndpoint,
    terraformEnv: { TF_VAR_local_plane_blob_endpoint: blobEndpoint },
    storageHosts: [new URL(blobEndpoint).host],
  };
}

/**
 * Applies the Metaflow fixture with OpenTofu as an operator would, with local state under `dir`: the demo's stack
 * (its services in the local cluster, its datastore on Azurite). Applying again changes nothing.
 */
export async function applyMetaflowStack(orgPrefix: string, dir: string) {
  const module = join(dir, 'module');
  await rm(module, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(terraformFixturePath(), module, { recursive: true });
  const { binary, cliConfigFile } = testEnv.terraformConfig();
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    KUBE_CONFIG: requireEnv('KUBE_CONFIG'),
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_DATA_DIR: join(dir, 'data'),
    TF_IN_AUTOMATION: '1',
    ...metaflowLocalPlane().terraformEnv,
  };
  const tofu = (args: string[]) =>
    execFileAsync(binary, args, { cwd: module, env, maxBuffer: 16 << 20 });
  await tofu(['init', '-input=false', '-no-color']);
  await tofu([
    'apply',
    '-auto-approve',
    '-input=false',
    '-no-color',
    `-state=${join(dir, 'terraform.tfstate')}`,
    `-var=org_prefix=${orgPrefix}`,
  ]);
  return {
    namespace: metaflowStackNamespace(orgPrefix),
    /** The Metaflow client configuration the services module wrote (the template hands it to the user as is). */
    configFile: join(module, 'config.json'),
  };
}
