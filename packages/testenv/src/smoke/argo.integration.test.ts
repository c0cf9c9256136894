import { CustomObjectsApi, CoreV1Api } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { adminKubeConfig, testEnv } from '../env';

describe('Argo Workflows server and controller', () => {
  const kc = adminKubeConfig();
  const namespace = `argo-smoke-${randomBytes(3).toString('hex')}`;

  beforeAll(() =>
    kc
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: namespace } } }),
  );
  afterAll(() =>
    kc.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace }),
  );

  it('reports its version', async () => {
    const res = await fetch(`${testEnv.argoUrl()}/api/v1/version`);
    expect(await res.json()).toMatchObject({ version: 'v3.7.1' });
  });

  it('lists a workflow created through the API server, which the controller runs to Succeeded on KWOK', async () => {
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace,
      plural: 'workflows',
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'hello', labels: { 'collate.io/smoke': 'true' } },
        spec: {
          entrypoint: 'main',
          templates: [
            {
              name: 'main',
              container: { image: 'busybox', command: ['true'] },
            },
          ],
        },
      },
    });
    const list = async () => {
      const url = `${testEnv.argoUrl()}/api/v1/workflows/${namespace}?listOptions.labelSelector=collate.io/smoke%3Dtrue&fields=items.metadata.name,items.status.phase`;
      return (await (await fetch(url)).json()).items ?? [];
    };
    let phase: string | undefined;
    for (let i = 0; i < 100 && phase !== 'Succeeded'; i++) {
      const items = await list();
      expect(
        items.map((w: { metadata: { name: string } }) => w.metadata.name),
      ).toEqual(['hello']);
      phase = items[0].status?.phase;
      if (phase !== 'Succeeded') await new Promise(r => setTimeout(r, 200));
    }
    expect(phase).toBe('Succeeded');
  });
});
