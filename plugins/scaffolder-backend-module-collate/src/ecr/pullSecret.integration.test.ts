import { ConfigReader } from '@backstage/config';
import { CoreV1Api } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  adminKubeConfig,
  collateAwsTestConfig,
  backstageKubernetesConfig,
  BACKSTAGE_SERVICE_ACCOUNT,
  kubernetesWrites,
  TEST_CLUSTER_NAME,
} from '@internal/testenv';
import { actionContext, recordingLogger } from '../__testUtils__/context';
import { createAwsEcrPullSecretAction } from '../actions/aws/ecrPullSecret';
import { ECR_ANNOTATIONS, refreshEcrPullSecrets } from './pullSecret';
import { clusterOptions } from '../__testUtils__/clusters';

describe('collate:aws:ecr:pull-secret and its scheduled renewal, against moto and the local API server', () => {
  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: {
      aws: collateAwsTestConfig(),
    },
  });
  const action = createAwsEcrPullSecretAction(clusterOptions(config));
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const namespace = `ecr-${randomBytes(3).toString('hex')}`;
  const input = {
    cluster: TEST_CLUSTER_NAME,
    namespace,
    secretName: 'ecr-registry-creds',
    registry: '118146679784.dkr.ecr.eu-west-1.amazonaws.com',
  };

  beforeAll(() =>
    core.createNamespace({ body: { metadata: { name: namespace } } }),
  );
  afterAll(() => core.deleteNamespace({ name: namespace }));

  it('creates the docker-registry secret from an ECR token, and a re-run leaves it alone', async () => {
    const { ctx, outputs, logger } = actionContext(input as never);
    await action.handler(ctx as never);
    const secret = await core.readNamespacedSecret({
      name: 'ecr-registry-creds',
      namespace,
    });
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const docker = JSON.parse(
      Buffer.from(secret.data!['.dockerconfigjson'], 'base64').toString(),
    );
    const auth = docker.auths['118146679784.dkr.ecr.eu-west-1.amazonaws.com'];
    expect(auth.username).toBe('AWS');
    expect(Buffer.from(auth.auth, 'base64').toString()).toBe(
      `AWS:${auth.password}`,
    );
    expect(Date.parse(outputs.expiresAt as string)).toBeGreaterThan(Date.now());
    // The token is a credential: never in logs or outputs.
    expect(JSON.stringify(outputs) + logger.lines.join('\n')).not.toContain(
      auth.password,
    );

    const since = Date.now();
    const again = actionContext(input as never);
    await action.handler(again.ctx as never);
    expect(
      kubernetesWrites({ since, user: BACKSTAGE_SERVICE_ACCOUNT, namespace }),
    ).toEqual([]);
  });

  it('the scheduled renewal renews secrets close to expiry, and only those', async () => {
    const logger = recordingLogger();
    // Nothing of this test's is close to expiry yet: its secret is left alone. (The renewal covers the whole
    // cluster, where other test files may have a secret close to expiry at this moment.)
    const fresh = await core.readNamespacedSecret({
      name: 'ecr-registry-creds',
      namespace,
    });
    await refreshEcrPullSecrets({ ...clusterOptions(config), logger });
    const before = await core.readNamespacedSecret({
      name: 'ecr-registry-creds',
      namespace,
    });
    expect(before.metadata?.resourceVersion).toBe(
      fresh.metadata?.resourceVersion,
    );
    // Eleven hours later, one hour of the token is left: renew.
    const elevenHoursLater = Date.now() + 11 * 3600 * 1000;
    expect(
      await refreshEcrPullSecrets({
        ...clusterOptions(config),
        logger,
        now: elevenHoursLater,
      }),
    ).toBeGreaterThanOrEqual(1);
    const after = await core.readNamespacedSecret({
      name: 'ecr-registry-creds',
      namespace,
    });
    expect(after.metadata?.resourceVersion).not.toBe(
      before.metadata?.resourceVersion,
    );
    expect(
      Date.parse(after.metadata!.annotations![ECR_ANNOTATIONS.expiresAt]),
    ).toBeGreaterThanOrEqual(
      Date.parse(before.metadata!.annotations![ECR_ANNOTATIONS.expiresAt]),
    );
  });
});
