import {
  CoreV1Api,
  KubeConfig,
  AuthenticationV1Api,
} from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { adminKubeConfig, testEnv } from '../env';

/** A kubeconfig that authenticates with a bearer token only (no client certificate). */
function tokenKubeConfig(token: string): KubeConfig {
  const { url, caFile } = testEnv.kubernetes();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'testenv',
        server: url,
        caData: readFileSync(caFile).toString('base64'),
      },
    ],
    users: [{ name: 'sa', token }],
    contexts: [{ name: 'testenv', cluster: 'testenv', user: 'sa' }],
    currentContext: 'testenv',
  });
  return kc;
}

describe('local Kubernetes control plane', () => {
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const namespace = `smoke-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace });
  });

  it('is a real, versioned API server with KWOK worker nodes sized like the guides', async () => {
    const nodes = await core.listNode();
    const workers = nodes.items.filter(
      n => n.metadata?.annotations?.['kwok.x-k8s.io/node'] === 'fake',
    );
    expect(workers.length).toBeGreaterThanOrEqual(3);
    for (const n of workers) {
      expect(n.status?.conditions?.find(c => c.type === 'Ready')?.status).toBe(
        'True',
      );
      expect(n.status?.capacity).toMatchObject({ cpu: '4', memory: '16Gi' });
    }
  });

  it('issues service-account tokens, and RBAC rejects what they are not granted', async () => {
    await core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: 'om-role' } },
    });
    // The guide's long-lived token secret: the token controller fills it in.
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: {
          name: 'om-role.service-account-token',
          annotations: { 'kubernetes.io/service-account.name': 'om-role' },
        },
        type: 'kubernetes.io/service-account-token',
      },
    });
    let token = '';
    for (let i = 0; i < 50 && !token; i++) {
      const s = await core.readNamespacedSecret({
        namespace,
        name: 'om-role.service-account-token',
      });
      token = s.data?.token
        ? Buffer.from(s.data.token, 'base64').toString('utf8')
        : '';
      if (!token) await new Promise(r => setTimeout(r, 100));
    }
    expect(token.split('.')).toHaveLength(3);

    const asSa = tokenKubeConfig(token);
    const review = await asSa
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(
      `system:serviceaccount:${namespace}:om-role`,
    );
    await expect(
      asSa.makeApiClient(CoreV1Api).listNamespacedPod({ namespace }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      tokenKubeConfig('not-a-token')
        .makeApiClient(CoreV1Api)
        .listNamespacedPod({ namespace }),
    ).rejects.toMatchObject({ code: 401 });
  });
});
