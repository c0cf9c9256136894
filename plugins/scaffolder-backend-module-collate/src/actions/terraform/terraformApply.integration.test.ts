import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  awsTestConfig,
  terraformFixturePath,
  testEnv,
} from '@internal/testenv';
import { envProbe } from '../../__testUtils__/envProbe';
import { recordingLogger } from '../../__testUtils__/context';
import { createTerraformApplyAction } from './terraformApply';

// OpenTofu applies the fixture (terraform_data only) with its state in S3 on moto: a real remote backend.
describe('collate:terraform:apply with OpenTofu and an S3 state backend on moto', () => {
  const aws = awsTestConfig();
  const bucket = `tfstate-${randomBytes(3).toString('hex')}`;
  const key = 'metaflow.tfstate';
  // OpenTofu behind a probe that records each process's environment.
  let probe: Awaited<ReturnType<typeof envProbe>>;
  let action: ReturnType<typeof createTerraformApplyAction>;
  const canary = `canary-backend-secret-${randomBytes(6).toString('hex')}`;
  const saved = { ...process.env };
  let workspacePath: string;
  const backend = {
    type: 's3',
    config: {
      bucket,
      key,
      region: 'us-east-1',
      use_path_style: 'true',
      skip_credentials_validation: 'true',
      skip_requesting_account_id: 'true',
      skip_metadata_api_check: 'true',
      skip_region_validation: 'true',
    },
  };

  beforeAll(async () => {
    probe = await envProbe(testEnv.tofuBin());
    action = createTerraformApplyAction({
      config: new ConfigReader({
        collate: { terraform: { binary: probe.binary } },
      }),
    });
    // The S3 backend reaches moto through the AWS SDK's standard environment, as it would a VPC endpoint. The
    // backend also holds secrets of its own, which Terraform must never see.
    Object.assign(process.env, {
      COLLATE_TEST_BACKEND_DB_PASSWORD: canary,
      AWS_ENDPOINT_URL_S3: aws.endpoint,
      AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
    });
    await new S3Client(aws).send(new CreateBucketCommand({ Bucket: bucket }));
    workspacePath = await mkdtemp(join(tmpdir(), 'tf-workspace-'));
    await cp(terraformFixturePath(), join(workspacePath, 'metaflow'), {
      recursive: true,
    });
  });
  afterAll(() => {
    process.env = saved;
  });

  const run = async (input: Record<string, unknown>, isDryRun = false) => {
    const logger = recordingLogger();
    const outputs: Record<string, unknown> = {};
    const ctx = Object.assign(
      createMockActionContext({
        input: { directory: 'metaflow', backend, ...input } as never,
        logger,
        workspacePath,
      }),
      {
        isDryRun,
        output: (k: string, v: unknown) => (outputs[k] = v),
      },
    );
    await action.handler(ctx as never);
    return { outputs, logger };
  };
  const stateExists = () =>
    new S3Client(aws)
      .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      .then(
        () => true,
        () => false,
      );

  it('dry-run plans both targets and writes no state', async () => {
    const { outputs, logger } = await run(
      { variables: { org_prefix: 'acme' } },
      true,
    );
    expect(outputs.changed).toEqual(['module.infra', 'module.services']);
    expect(logger.lines.some(l => l.includes('would apply module.infra'))).toBe(
      true,
    );
    expect(await stateExists()).toBe(false);
  });

  it('applies infra then services into remote state; only non-sensitive outputs come out', async () => {
    const { outputs, logger } = await run({
      variables: {
        org_prefix: 'acme',
        deploy_argo: true,
        deploy_airflow: false,
      },
    });
    expect(outputs.changed).toEqual(['module.infra', 'module.services']);
    const infraAt = logger.lines.findIndex(l =>
      l.includes(
        'module.infra.terraform_data.storage_account: Creation complete',
      ),
    );
    const servicesAt = logger.lines.findIndex(l =>
      l.includes(
        'module.services.terraform_data.metadata_service: Creation complete',
      ),
    );
    expect(infraAt).toBeGreaterThan(-1);
    expect(servicesAt).toBeGreaterThan(infraAt);
    expect(outputs.outputs).toEqual({
      storage_account_name: 'stmetaflowacme',
      metadata_service_url: 'http://metaflow-metadata-service.default:8080',
      end_user_setup_instructions:
        'Set METAFLOW_DATASTORE_SYSROOT_AZURE=stmetaflowacme/metaflow and run: metaflow configure azure',
    });
    expect(logger.lines.join('\n')).not.toMatch(/[0-9a-f]{64}/); // the sensitive output's value
    expect(await stateExists()).toBe(true);
  });

  it("keeps the backend's secrets out of the plan, the remote state and the task log", async () => {
    const plan = await run({ variables: { org_prefix: 'acme' } }, true);
    const apply = await run({ variables: { org_prefix: 'acme' } });
    const state = await (
      await new S3Client(aws).send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
      )
    ).Body!.transformToString();
    // Each place with a value it must hold (so the search sees it), and never the canary, as is or base64.
    const places: Array<[string, string, string]> = [
      ['plan', plan.logger.lines.join('\n'), 'module.infra'],
      ['apply', apply.logger.lines.join('\n'), 'module.infra'],
      ['state', state, 'stmetaflowacme'],
    ];
    for (const [place, text, control] of places) {
      expect([place, text.includes(control)]).toEqual([place, true]);
      for (const form of [canary, Buffer.from(canary).toString('base64')]) {
        expect([place, text.includes(form)]).toEqual([place, false]);
      }
    }
  });

  it("runs Terraform with its providers' variables and none of the backend's other secrets", async () => {
    const calls = await probe.calls();
    expect(calls.length).toBeGreaterThan(0);
    for (const env of calls) {
      expect(Object.values(env)).not.toContain(canary);
      expect(env.COLLATE_TEST_BACKEND_DB_PASSWORD).toBeUndefined();
      expect(env.AWS_ENDPOINT_URL_S3).toBe(process.env.AWS_ENDPOINT_URL_S3);
      expect(env.TF_IN_AUTOMATION).toBe('1');
    }
  });

  it('a re-run applies nothing', async () => {
    const { outputs } = await run({
      variables: {
        org_prefix: 'acme',
        deploy_argo: true,
        deploy_airflow: false,
      },
    });
    expect(outputs.changed).toEqual([]);
  });

  it("recognizes the guide's known provisioning errors and gives the documented remedy", async () => {
    await expect(
      run({
        variables: {
          org_prefix: 'acme',
          fail_with:
            'Code="PreconditionFailed" ... "code": "QuotaExceeded", "message": "Operation could not be completed as it results in exceeding approved standardDv5Family Cores quota."',
        },
      }),
    ).rejects.toThrow(/QuotaExceeded\)\. Request a quota increase/);
    await expect(
      run({
        variables: {
          org_prefix: 'acme',
          fail_with:
            'Code="ReconcileVMSSAgentPoolFailed" Message="Code=\\"AllocationFailed\\" Message=\\"Allocation failed.',
        },
      }),
    ).rejects.toThrow(/AllocationFailed\)\. Choose another VM size/);
  });

  it('refuses local state unless allowed, and a bad org_prefix, before running anything', async () => {
    await expect(
      run({
        backend: { type: 'local', config: {} },
        variables: { org_prefix: 'acme' },
      }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      run({ variables: { org_prefix: 'Acme Corp' } }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      run({ directory: '../outside', variables: { org_prefix: 'acme' } }),
    ).rejects.toBeInstanceOf(InputError);
  });
});
