import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { adminKubeConfig, requireEnv, testEnv } from '../env';
import { applyMetaflowStack, removeMetaflowStacks } from '../metaflow';
import {
  startIdentityEndpoint,
  type IdentityEndpoint,
} from './identityEndpoint.ts';
import {
  startMetaflowMetadataServer,
  type MetaflowMetadataServer,
} from './metaflowMetadata.ts';

const execFileAsync = promisify(execFile);
const CHECK = resolve(__dirname, '../../python/metaflow_client_check.py');
const PREFIX = 'mfclient';

// The real Metaflow client (PyPI metaflow, scripts/testenv/metaflow.sh) with the configuration the Metaflow fixture's
// services module writes, which the metaflow-azure template hands to its user unchanged: a flow run with the Azure
// datastore (the local Azurite, through an Azure credential the client finds itself) and the metadata service (its
// contract server), then `argo-workflows create` into the stack's namespace through the real Argo CRDs.
describe('the real Metaflow client with the configuration a Metaflow-on-Azure stack hands out', () => {
  jest.setTimeout(240_000);
  let stack: Awaited<ReturnType<typeof applyMetaflowStack>>;
  let metadata: MetaflowMetadataServer;
  let identity: IdentityEndpoint;

  beforeAll(async () => {
    await removeMetaflowStacks([PREFIX]);
    stack = await applyMetaflowStack(
      PREFIX,
      await mkdtemp(join(tmpdir(), 'metaflow-stack-')),
    );
    metadata = await startMetaflowMetadataServer();
    identity = await startIdentityEndpoint();
  });
  afterAll(async () => {
    await metadata?.close();
    await identity?.close();
    await removeMetaflowStacks([PREFIX]);
  });

  it('runs a flow with the Azure datastore and the metadata service, reads it back, and deploys it to Argo Workflows', async () => {
    const handedOut = JSON.parse(await readFile(stack.configFile, 'utf8'));
    const home = await mkdtemp(join(tmpdir(), 'metaflow-user-'));
    // ~/.metaflowconfig/config.json as the user saves it; METAFLOW_SERVICE_URL is the local side of their
    // port-forward to the metadata service (guide 003), here where its contract server listens.
    await writeFile(
      join(home, 'config.json'),
      JSON.stringify({ ...handedOut, METAFLOW_SERVICE_URL: metadata.url }),
    );
    const { stdout } = await execFileAsync(
      testEnv.metaflowPython(),
      [CHECK, home],
      {
        cwd: home,
        maxBuffer: 16 << 20,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          METAFLOW_HOME: home,
          USER: 'portal-user',
          // `az aks get-credentials` on the user's side: the stack's cluster.
          KUBECONFIG: requireEnv('COLLATE_TEST_KUBECONFIG'),
          // The local Azurite's certificate is signed by the test environment's CA.
          REQUESTS_CA_BUNDLE: requireEnv('COLLATE_TEST_TLS_CA'),
          ...identity.env,
        },
      },
    );
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(seen).toMatchObject({
      metadata: expect.stringMatching(/^service@/),
      successful: true,
      greeting: 'hello from the portal',
      greeting_ds_type: 'azure',
      printed: true,
    });
    expect(seen.run).toMatch(/^PortalHelloFlow\/\d+$/);
    expect(seen.greeting_location).toContain('metaflow-storage-container');
    expect(seen.blobs).toBeGreaterThan(0);
    // What the client told the metadata service, and that it got its storage token itself.
    const run = seen.run.split('/')[1];
    expect(
      metadata.tasks('PortalHelloFlow').map(t => t.replace(/\/\d+$/, '')),
    ).toEqual([`${run}/_parameters`, `${run}/start`, `${run}/end`]);
    expect(identity.calls.filter(c => c.status === 200).length).toBeGreaterThan(
      0,
    );
    // `argo-workflows create` put the flow's WorkflowTemplate into the stack's namespace.
    const template = (await adminKubeConfig()
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        namespace: stack.namespace,
        plural: 'workflowtemplates',
        name: 'portalhelloflow',
      })) as { spec: { templates: Array<{ name: string }> } };
    expect(template.spec.templates.map(t => t.name)).toEqual(
      expect.arrayContaining(['start', 'end']),
    );
  });
});
