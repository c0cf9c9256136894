import { ConfigReader } from '@backstage/config';
import { TestDatabases } from '@backstage/backend-test-utils';
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
import {
  ECR_ANNOTATIONS,
  ECR_LABELS,
  MANAGED_BY,
  refreshEcrPullSecrets,
} from './pullSecret';
import { PullSecretStore } from './pullSecretStore';
import { clusterOptions } from '../__testUtils__/clusters';

describe('collate:aws:ecr:pull-secret and its scheduled renewal, against moto and the local API server', () => {
  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: {
      aws: collateAwsTestConfig(),
    },
  });
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let store: PullSecretStore;
  let action: ReturnType<typeof createAwsEcrPullSecretAction>;
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const namespace = `ecr-${randomBytes(3).toString('hex')}`;
  const input = {
    cluster: TEST_CLUSTER_NAME,
    namespace,
    secretName: 'ecr-registry-creds',
    registry: '118146679784.dkr.ecr.eu-west-1.amazonaws.com',
  };

  /** A Secret that looks like ours: the module's labels and an expiry close at hand. */
  const lookalike = (ns: string, name: string, registry: string) => ({
    metadata: {
      name,
      namespace: ns,
      labels: {
        [ECR_LABELS.managedBy]: MANAGED_BY,
        [ECR_LABELS.registry]: registry,
      },
      annotations: {
        [ECR_ANNOTATIONS.expiresAt]: new Date(
          Date.now() + 60_000,
        ).toISOString(),
      },
    },
    type: 'kubernetes.io/dockerconfigjson',
    data: {
      '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64'),
    },
  });

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    store = await PullSecretStore.create({
      getClient: async () => knex,
    } as never);
    action = createAwsEcrPullSecretAction({
      ...clusterOptions(config),
      pullSecrets: store,
    });
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
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
    await refreshEcrPullSecrets({ ...clusterOptions(config), logger, store });
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
        store,
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

  it('renews only what the action recorded: a lookalike Secret of another team gets no token, a broken one is skipped, the rest renewed', async () => {
    const tenant = `tenant-a-${randomBytes(3).toString('hex')}`;
    await core.createNamespace({ body: { metadata: { name: tenant } } });
    try {
      // Another team's Secret with our labels, for a registry of its choice: never recorded, never renewed.
      await core.createNamespacedSecret({
        namespace: tenant,
        body: lookalike(
          tenant,
          'steal-token',
          '999999999999.dkr.ecr.us-east-1.amazonaws.com',
        ),
      });
      // A recorded secret someone replaced with another kind of Secret: skipped with a warning.
      await store.add({
        cluster: TEST_CLUSTER_NAME,
        namespace,
        name: 'replaced',
        registry: input.registry,
      });
      await core.createNamespacedSecret({
        namespace,
        body: {
          metadata: { name: 'replaced', namespace },
          type: 'Opaque',
          data: {},
        },
      });
      // A recorded secret that is gone (its namespace decommissioned): forgotten.
      await store.add({
        cluster: TEST_CLUSTER_NAME,
        namespace,
        name: 'gone',
        registry: input.registry,
      });
      const logger = recordingLogger();
      const elevenHoursLater = Date.now() + 11 * 3600 * 1000;
      const renewed = await refreshEcrPullSecrets({
        ...clusterOptions(config),
        logger,
        store,
        now: elevenHoursLater,
      });
      expect(renewed).toBeGreaterThanOrEqual(1);
      const stolen = await core.readNamespacedSecret({
        name: 'steal-token',
        namespace: tenant,
      });
      expect(
        Buffer.from(stolen.data!['.dockerconfigjson'], 'base64').toString(),
      ).toBe('{"auths":{}}');
      const log = logger.lines.join('\n');
      expect(log).toContain(
        `warn ECR pull secret ${TEST_CLUSTER_NAME}/${namespace}/replaced not renewed: it is not the ${input.registry} pull secret the action created any more`,
      );
      expect(log).toContain(
        `info ECR pull secret ${TEST_CLUSTER_NAME}/${namespace}/gone is gone: forgotten`,
      );
      expect((await store.list()).map(r => r.name)).not.toContain('gone');
      expect(log).not.toContain(tenant);
    } finally {
      await core.deleteNamespace({ name: tenant });
    }
  });

  it('hands tokens for the allowed registries only', async () => {
    const { ctx } = actionContext({
      ...input,
      secretName: 'other-registry',
      registry: '999999999999.dkr.ecr.us-east-1.amazonaws.com',
    } as never);
    await expect(action.handler(ctx as never)).rejects.toMatchObject({
      name: 'InputError',
      message:
        "Invalid input 'registry': 999999999999.dkr.ecr.us-east-1.amazonaws.com is not under collate.ecr.allowedRegistries (118146679784.dkr.ecr.eu-west-1.amazonaws.com): the backend hands ECR tokens for those registries only",
    });
  });
});
