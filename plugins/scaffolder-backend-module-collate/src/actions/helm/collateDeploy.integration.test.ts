import { ConfigReader } from '@backstage/config';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  adminKubeConfig,
  backstageKubernetesConfig,
  BACKSTAGE_SERVICE_ACCOUNT,
  kubernetesWrites,
  testEnv,
} from '@internal/testenv';
import { actionContext } from '../../__testUtils__/context';
import { createCollateDeployAction } from './collateDeploy';
import { clusterOptions } from '../../__testUtils__/clusters';
import { fixtureDeployInput } from '../../__testUtils__/deploy';
import { markHelmRevision } from '../../__testUtils__/helmState';

const helm = (args: string[]) => promisify(execFile)(testEnv.helmBin(), args);

describe('collate:deploy with the fixture chart on the local control plane', () => {
  // Each test installs or upgrades with `helm --wait` under the release's lock, some twice: more than Jest's default
  // 5 s on a loaded machine.
  jest.setTimeout(60_000);

  const config = new ConfigReader({
    kubernetes: backstageKubernetesConfig(),
    collate: { helm: { binary: testEnv.helmBin() } },
  });
  const action = createCollateDeployAction(clusterOptions(config));
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const namespace = `collate-${randomBytes(3).toString('hex')}`;
  const input = fixtureDeployInput(namespace);
  const run = async (
    overrides: Record<string, unknown> = {},
    isDryRun = false,
  ) => {
    const c = actionContext({ ...input, ...overrides } as never, { isDryRun });
    await action.handler(c.ctx as never);
    return c;
  };
  afterAll(() =>
    core.deleteNamespace({ name: namespace }).catch(() => undefined),
  );

  let firstDeployedAt: string;

  it('deploys: Deployment Ready, Service on 8585 and 8586, the IRSA service account and the Argo environment', async () => {
    const before = Date.now();
    const { outputs } = await run();
    expect(outputs).toEqual({
      release: 'openmetadata',
      namespace,
      revision: 1,
      serviceUrl: `http://openmetadata.${namespace}:8585`,
      chartVersion: '1.12.3',
      deployedAt: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
      ),
    });
    // When Helm deployed this revision, as Helm records it (whole seconds are enough for collate:reindex).
    firstDeployedAt = outputs.deployedAt as string;
    expect(Date.parse(firstDeployedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(firstDeployedAt)).toBeLessThanOrEqual(Date.now());
    const deployment = await admin
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'openmetadata', namespace });
    expect(deployment.status?.readyReplicas).toBe(1);
    const env = Object.fromEntries(
      deployment.spec!.template.spec!.containers[0].env!.map(e => [
        e.name,
        e.value ?? e.valueFrom,
      ]),
    );
    expect(env.ARGO_TOKEN).toEqual({
      secretKeyRef: { name: 'om-role.service-account-token', key: 'token' },
    });
    expect(env.ARGO_NAMESPACE).toBe(namespace);
    // The chart hands the pipeline client to the server through its generated Secret, not through env values.
    const pipeline = await core.readNamespacedSecret({
      name: 'openmetadata-pipeline-secret',
      namespace,
    });
    const decoded = (v: string) =>
      Buffer.from(v, 'base64')
        .toString()
        .replace(/^"(.*)"$/, '$1');
    expect(decoded(pipeline.data!.PIPELINE_SERVICE_CLIENT_CLASS_NAME)).toBe(
      'io.collate.pipeline.argo.ArgoServiceClient',
    );
    expect(env.AIRFLOW_PASSWORD).toBeUndefined();
    expect(deployment.spec!.template.spec!.containers[0].imagePullPolicy).toBe(
      'IfNotPresent',
    );
    expect(deployment.spec!.template.spec!.imagePullSecrets).toEqual([
      { name: 'ecr-registry-creds' },
    ]);
    const service = await core.readNamespacedService({
      name: 'openmetadata',
      namespace,
    });
    expect(service.spec?.ports?.map(p => p.port).sort()).toEqual([8585, 8586]);
    const sa = await core.readNamespacedServiceAccount({
      name: 'openmetadata',
      namespace,
    });
    expect(sa.metadata?.annotations?.['eks.amazonaws.com/role-arn']).toBe(
      'arn:aws:iam::123456789012:role/collate-server-role',
    );
  });

  it('a re-run makes no new revision and no write; a changed variable makes one', async () => {
    const since = Date.now();
    const again = await run();
    expect(again.outputs.revision).toBe(1);
    // The same revision: deployed when it was, not now.
    expect(again.outputs.deployedAt).toBe(firstDeployedAt);
    expect(
      kubernetesWrites({ since, user: BACKSTAGE_SERVICE_ACCOUNT, namespace }),
    ).toEqual([]);
    const changed = await run({
      env: { ARGO_WORKFLOW_MEMORY_LIMIT: '8192Mi' },
    });
    expect(changed.outputs.revision).toBe(2);
    expect(Date.parse(changed.outputs.deployedAt as string)).toBeGreaterThan(
      Date.parse(firstDeployedAt),
    );
  });

  it('keeps credentials out of Helm values, plans and logs: they go to the release env Secret (secretKeyRef), found by name or by value', async () => {
    const envNamespace = `${namespace}-env`;
    const connection = `DefaultEndpointsProtocol=https;AccountName=collateassets;AccountKey=canary-conn-${randomBytes(
      8,
    ).toString('hex')}==`;
    // A task secret given to a variable whose name does not say it is one.
    const tenant = `canary-secret-${randomBytes(8).toString('hex')}`;
    const env = {
      ASSET_UPLOADER_AZURE_CONNECTION_STRING: connection,
      ASSET_UPLOADER_AZURE_TENANT_ID: tenant,
      ARGO_WORKFLOW_MEMORY_LIMIT: '8192Mi',
    };
    const secrets = { assetTenant: tenant };
    const leaks = (text: string) =>
      [connection, tenant, 'canary-conn-', 'canary-secret-'].filter(c =>
        text.includes(c),
      );
    try {
      const plan = actionContext(
        { ...input, namespace: envNamespace, env } as never,
        { isDryRun: true, secrets },
      );
      await action.handler(plan.ctx as never);
      const planned = plan.logger.lines.join('\n');
      expect(leaks(planned)).toEqual([]);
      // The plan says what it would do with them: a Secret, the values by reference.
      expect(planned).toMatch(
        new RegExp(`would create Secret ${envNamespace}/openmetadata-env`),
      );
      expect(planned).toContain('secretKeyRef');

      const real = actionContext(
        { ...input, namespace: envNamespace, env } as never,
        { secrets },
      );
      await action.handler(real.ctx as never);
      expect(
        leaks(real.logger.lines.join('\n') + JSON.stringify(real.outputs)),
      ).toEqual([]);
      const { stdout } = await helm([
        'get',
        'values',
        'openmetadata',
        '--all',
        '--namespace',
        envNamespace,
        '--output',
        'json',
        '--kubeconfig',
        testEnv.kubernetes().kubeconfigPath,
      ]);
      expect(leaks(stdout)).toEqual([]);
      const extraEnvs = JSON.parse(stdout).extraEnvs as Array<{
        name: string;
        value?: string;
        valueFrom?: unknown;
      }>;
      expect(
        extraEnvs.filter(e => e.name.startsWith('ASSET_UPLOADER_AZURE_')),
      ).toEqual([
        {
          name: 'ASSET_UPLOADER_AZURE_CONNECTION_STRING',
          valueFrom: {
            secretKeyRef: {
              name: 'openmetadata-env',
              key: 'ASSET_UPLOADER_AZURE_CONNECTION_STRING',
            },
          },
        },
        {
          name: 'ASSET_UPLOADER_AZURE_TENANT_ID',
          valueFrom: {
            secretKeyRef: {
              name: 'openmetadata-env',
              key: 'ASSET_UPLOADER_AZURE_TENANT_ID',
            },
          },
        },
      ]);
      // An ordinary variable stays a value.
      expect(extraEnvs).toContainEqual({
        name: 'ARGO_WORKFLOW_MEMORY_LIMIT',
        value: '8192Mi',
      });
      const secret = await core.readNamespacedSecret({
        name: 'openmetadata-env',
        namespace: envNamespace,
      });
      const decode = (k: string) =>
        Buffer.from(secret.data![k], 'base64').toString();
      expect(decode('ASSET_UPLOADER_AZURE_CONNECTION_STRING')).toBe(connection);
      expect(decode('ASSET_UPLOADER_AZURE_TENANT_ID')).toBe(tenant);

      // A second run changes nothing.
      const since = Date.now();
      const again = actionContext(
        { ...input, namespace: envNamespace, env } as never,
        { secrets },
      );
      await action.handler(again.ctx as never);
      expect(again.outputs.revision).toBe(real.outputs.revision);
      expect(
        kubernetesWrites({
          since,
          user: BACKSTAGE_SERVICE_ACCOUNT,
          namespace: envNamespace,
        }),
      ).toEqual([]);
    } finally {
      await core.deleteNamespace({ name: envNamespace }).catch(() => undefined);
    }
  });

  it("rejects variables outside the guides' table and a literal ARGO_TOKEN before any call", async () => {
    for (const env of [
      { NOT_A_VARIABLE: 'x' },
      { ARGO_TOKEN: 'literal-token' },
    ]) {
      const { ctx } = actionContext({ ...input, env } as never);
      await expect(action.handler(ctx as never)).rejects.toThrow(
        /Invalid input 'env\./,
      );
    }
  });

  it('reinstalls a release left pending-install by an interrupted first install', async () => {
    const other = `${namespace}-p`;
    const first = actionContext({ ...input, namespace: other } as never);
    await action.handler(first.ctx as never);
    // Mark the only revision pending-install, as an interrupted first `helm install` leaves it.
    await markHelmRevision(core, {
      namespace: other,
      release: 'openmetadata',
      revision: 1,
      status: 'pending-install',
    });
    try {
      const { ctx, outputs, logger } = actionContext({
        ...input,
        namespace: other,
      } as never);
      await action.handler(ctx as never);
      expect(
        logger.lines.some(l =>
          l.includes(
            'is pending-install with no deployed revision: uninstalling it first',
          ),
        ),
      ).toBe(true);
      expect(outputs.revision).toBe(1);
      const deployment = await admin
        .makeApiClient(AppsV1Api)
        .readNamespacedDeployment({ name: 'openmetadata', namespace: other });
      expect(deployment.status?.readyReplicas).toBe(1);
    } finally {
      await core.deleteNamespace({ name: other }).catch(() => undefined);
    }
  });
});
