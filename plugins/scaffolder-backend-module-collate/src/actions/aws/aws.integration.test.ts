import { ConfigReader } from '@backstage/config';
import { EKSClient, CreateClusterCommand } from '@aws-sdk/client-eks';
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRoleTagsCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import {
  awsTestConfig,
  startAwsCallRecorder,
  testEnv,
  type AwsCallRecorder,
} from '@internal/testenv';
import { actionContext } from '../../__testUtils__/context';
import { createAwsEksOidcProviderAction } from './eksOidcProvider';
import {
  createAwsIamServiceAccountRoleAction,
  irsaTrustPolicy,
} from './iamServiceAccountRole';
import { createAwsS3EnsureBucketAction } from './s3EnsureBucket';
import { createAwsIamDeleteRolesAction } from './iamDeleteRoles';
import { createAwsS3DeleteBucketAction } from './s3DeleteBucket';
import { createAwsEksDeleteOidcProviderAction } from './eksDeleteOidcProvider';

// Guide 001's IAM steps through the real AWS SDK against moto; a recording proxy counts the calls.
describe('AWS actions against moto', () => {
  let recorder: AwsCallRecorder;
  let actions: {
    oidc: ReturnType<typeof createAwsEksOidcProviderAction>;
    role: ReturnType<typeof createAwsIamServiceAccountRoleAction>;
    bucket: ReturnType<typeof createAwsS3EnsureBucketAction>;
    deleteRoles: ReturnType<typeof createAwsIamDeleteRolesAction>;
    deleteBucket: ReturnType<typeof createAwsS3DeleteBucketAction>;
    deleteOidc: ReturnType<typeof createAwsEksDeleteOidcProviderAction>;
  };
  const suffix = randomBytes(3).toString('hex');
  const clusterName = `collate-eks-${suffix}`;
  // Guide 001: role, service account and policy, exactly.
  const ROLES = [
    {
      roleName: `collate-argo-controller-role-${suffix}`,
      namespace: 'argo-workflows',
      serviceAccount: 'argo-workflows-controller-sa',
      policyArns: ['arn:aws:iam::aws:policy/AmazonS3FullAccess'],
    },
    {
      roleName: `collate-argo-server-role-${suffix}`,
      namespace: 'argo-workflows',
      serviceAccount: 'argo-workflows-server-sa',
      policyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
    },
    {
      roleName: `collate-server-role-${suffix}`,
      namespace: 'collate',
      serviceAccount: 'openmetadata',
      policyArns: ['arn:aws:iam::aws:policy/AmazonS3FullAccess'],
    },
    {
      roleName: `collate-ingestion-role-${suffix}`,
      namespace: 'collate',
      serviceAccount: 'om-role',
      policyArns: ['arn:aws:iam::aws:policy/AmazonS3FullAccess'],
    },
  ];
  const bucket = `collate-argo-artifacts-eu-west-1-${suffix}`;

  beforeAll(async () => {
    recorder = await startAwsCallRecorder(testEnv.awsEndpoint());
    const base = awsTestConfig();
    const config = new ConfigReader({
      collate: {
        aws: {
          region: 'eu-west-1',
          endpoint: recorder.endpoint,
          credentials: base.credentials,
        },
      },
    });
    actions = {
      oidc: createAwsEksOidcProviderAction({ config }),
      role: createAwsIamServiceAccountRoleAction({ config }),
      bucket: createAwsS3EnsureBucketAction({ config }),
      deleteRoles: createAwsIamDeleteRolesAction({ config }),
      deleteBucket: createAwsS3DeleteBucketAction({ config }),
      deleteOidc: createAwsEksDeleteOidcProviderAction({ config }),
    };
    await new EKSClient({ ...base, region: 'eu-west-1' }).send(
      new CreateClusterCommand({
        name: clusterName,
        roleArn: 'arn:aws:iam::123456789012:role/eks',
        resourcesVpcConfig: { subnetIds: ['subnet-1'] },
      }),
    );
  });
  afterAll(() => recorder.close());

  async function runTopology(isDryRun = false) {
    const run = async (
      action: { handler: (ctx: never) => Promise<void> },
      input: Record<string, unknown>,
    ) => {
      const c = actionContext(input as never, { isDryRun });
      await action.handler(c.ctx as never);
      return c.outputs;
    };
    const oidc = await run(actions.oidc, { clusterName, region: 'eu-west-1' });
    const bucketOut = await run(actions.bucket, {
      bucket,
      region: 'eu-west-1',
    });
    const roles = [];
    for (const r of ROLES)
      roles.push(
        await run(actions.role, { ...r, oidcProviderArn: oidc.providerArn }),
      );
    return { oidc, bucket: bucketOut, roles };
  }

  it('plans without changing anything in dry-run', async () => {
    const before = recorder.mutatingCalls().length;
    await runTopology(true);
    expect(recorder.mutatingCalls().length).toBe(before);
  });

  it("creates the guide's roles, trust policies, policies and the encrypted bucket; a re-run changes nothing", async () => {
    const first = await runTopology();
    const iam = new IAMClient({ ...awsTestConfig(), region: 'eu-west-1' });
    for (const r of ROLES) {
      const { Role } = await iam.send(
        new GetRoleCommand({ RoleName: r.roleName }),
      );
      const trust = JSON.parse(
        decodeURIComponent(Role!.AssumeRolePolicyDocument!),
      );
      expect(trust).toEqual(
        irsaTrustPolicy(
          first.oidc.providerArn as string,
          r.namespace,
          r.serviceAccount,
        ),
      );
      expect(
        trust.Statement[0].Condition.StringEquals[
          `${first.oidc.issuerHostPath}:sub`
        ],
      ).toBe(`system:serviceaccount:${r.namespace}:${r.serviceAccount}`);
      const { AttachedPolicies } = await iam.send(
        new ListAttachedRolePoliciesCommand({ RoleName: r.roleName }),
      );
      expect(AttachedPolicies?.map(p => p.PolicyArn)).toEqual(r.policyArns);
    }
    const enc = await new S3Client({
      ...awsTestConfig(),
      region: 'eu-west-1',
    }).send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(
      enc.ServerSideEncryptionConfiguration?.Rules?.[0]
        .ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    ).toBe('AES256');
    expect(first.bucket.bucketArn).toBe(`arn:aws:s3:::${bucket}`);

    const before = recorder.mutatingCalls().length;
    const second = await runTopology();
    expect(recorder.mutatingCalls().slice(before)).toEqual([]);
    expect(second).toEqual(first);
  });

  it('puts a drifted trust policy back with one call', async () => {
    const r = ROLES[3];
    const iam = new IAMClient({ ...awsTestConfig(), region: 'eu-west-1' });
    const oidc = actionContext({ clusterName, region: 'eu-west-1' } as never);
    await actions.oidc.handler(oidc.ctx as never);
    // Someone widened the trust to another service account.
    const drifted = irsaTrustPolicy(
      oidc.outputs.providerArn as string,
      r.namespace,
      'someone-else',
    );
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: r.roleName,
        PolicyDocument: JSON.stringify(drifted),
      }),
    );
    const before = recorder.mutatingCalls().length;
    await runTopology();
    expect(
      recorder
        .mutatingCalls()
        .slice(before)
        .map(c => c.operation),
    ).toEqual(['UpdateAssumeRolePolicy']);
  });

  it('survives IAM eventual consistency: a role created a moment ago is not yet visible to a second run', async () => {
    const oidc = actionContext({ clusterName, region: 'eu-west-1' } as never);
    await actions.oidc.handler(oidc.ctx as never);
    const input = {
      roleName: `collate-lag-role-${suffix}`,
      namespace: 'collate',
      serviceAccount: 'lagging',
      policyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      oidcProviderArn: oidc.outputs.providerArn,
    };
    // For 4 s after its creation, IAM answers NoSuchEntity about the new role.
    const lagged = recorder.iamLag(4000);
    const runs = [actionContext(input as never), actionContext(input as never)];
    try {
      // A second run right after the first (a recovered task, a second replica): its GetRole does not see the role
      // the first just created, and its CreateRole finds it there.
      await Promise.all([
        actions.role.handler(runs[0].ctx as never),
        new Promise(r => setTimeout(r, 300)).then(() =>
          actions.role.handler(runs[1].ctx as never),
        ),
      ]);
    } finally {
      recorder.iamLag(0);
    }
    expect(lagged()).toBeGreaterThan(0);
    expect(
      runs[1].logger.lines.some(l =>
        l.includes(
          'already exists (not yet visible when read, or created meanwhile)',
        ),
      ),
    ).toBe(true);
    // One role, with the planned trust and its policy.
    const iam = new IAMClient({ ...awsTestConfig(), region: 'eu-west-1' });
    const { Role } = await iam.send(
      new GetRoleCommand({ RoleName: input.roleName }),
    );
    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toContain(
      'system:serviceaccount:collate:lagging',
    );
    const attached = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: input.roleName }),
    );
    expect(attached.AttachedPolicies?.map(p => p.PolicyArn)).toEqual(
      input.policyArns,
    );
    iam.destroy();
    // The retries wait out the 4 s of lag.
  }, 60_000);

  it('marks the roles it creates for a deployment, adopts one that was there, and its decommission deletes exactly its own', async () => {
    const deployment = `dep-${suffix}`;
    const iam = new IAMClient({ ...awsTestConfig(), region: 'eu-west-1' });
    const oidc = actionContext({ clusterName, region: 'eu-west-1' } as never);
    await actions.oidc.handler(oidc.ctx as never);
    const providerArn = oidc.outputs.providerArn as string;
    // Someone else's role, there before the deployment, with the name the deployment asks for.
    const adopted = `collate-adopted-role-${suffix}`;
    await iam.send(
      new CreateRoleCommand({
        RoleName: adopted,
        AssumeRolePolicyDocument: JSON.stringify(
          irsaTrustPolicy(providerArn, 'collate', 'om-role'),
        ),
      }),
    );
    const create = async (
      roleName: string,
      options: { adopt?: boolean; as?: string; serviceAccount?: string } = {},
    ) => {
      const c = actionContext({
        roleName,
        oidcProviderArn: providerArn,
        namespace: 'collate',
        serviceAccount: options.serviceAccount ?? 'om-role',
        policyArns: ['arn:aws:iam::aws:policy/AmazonS3FullAccess'],
        deployment: options.as ?? deployment,
        ...(options.adopt ? { adopt: true } : {}),
      } as never);
      await actions.role.handler(c.ctx as never);
      return c;
    };
    const own = [`collate-dep-a-${suffix}`, `collate-dep-b-${suffix}`];
    for (const name of own)
      expect((await create(name)).outputs.owned).toBe(true);
    // Another deployment asking for the same name (the default empty roleSuffix) is refused, and the role's trust
    // policy is left as it was: no takeover.
    const trust = async (RoleName: string) =>
      (await iam.send(new GetRoleCommand({ RoleName }))).Role
        ?.AssumeRolePolicyDocument;
    const trusted = await trust(own[0]);
    await expect(
      create(own[0], { as: `other-${suffix}`, serviceAccount: 'theirs' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: `Invalid input 'adopt': IAM role ${own[0]} exists and belongs to deployment ${deployment}, not other-${suffix}: it is not changed. Choose another name, or set adopt: true to use it as it is (decommissioning other-${suffix} then keeps it)`,
    });
    expect(await trust(own[0])).toBe(trusted);
    // A role nobody marked is refused too, unless adopted.
    await expect(create(adopted)).rejects.toMatchObject({
      name: 'InputError',
    });
    const adoptedRun = await create(adopted, { adopt: true });
    expect(adoptedRun.outputs.owned).toBe(false);
    expect(adoptedRun.logger.lines.join('\n')).toContain(
      `IAM role ${adopted} exists and was not created by deployment ${deployment} (no marker): adopted, decommissioning ${deployment} keeps it`,
    );
    const tags = async (RoleName: string) =>
      (await iam.send(new ListRoleTagsCommand({ RoleName }))).Tags;
    expect(await tags(own[0])).toEqual([
      { Key: 'collate.io/deployment', Value: deployment },
    ]);
    expect(await tags(adopted)).toEqual([]);

    const decommission = async (isDryRun = false) => {
      const c = actionContext({ deployment } as never, { isDryRun });
      await actions.deleteRoles.handler(c.ctx as never);
      return c;
    };
    const before = recorder.mutatingCalls().length;
    const plan = await decommission(true);
    expect(plan.outputs.roleNames).toEqual(own);
    expect(plan.logger.lines).toEqual(
      own.map(
        name =>
          `info would delete IAM role ${name} (detaching arn:aws:iam::aws:policy/AmazonS3FullAccess)`,
      ),
    );
    expect(recorder.mutatingCalls().length).toBe(before);

    expect((await decommission()).outputs.roleNames).toEqual(own);
    expect(
      recorder
        .mutatingCalls()
        .slice(before)
        .map(c => c.operation),
    ).toEqual([
      'DetachRolePolicy',
      'DeleteRole',
      'DetachRolePolicy',
      'DeleteRole',
    ]);
    for (const name of own)
      await expect(
        iam.send(new GetRoleCommand({ RoleName: name })),
      ).rejects.toThrow(/not found|cannot be found|NoSuchEntity/);
    // The adopted role, and the topology's roles of no deployment, are still there.
    await iam.send(new GetRoleCommand({ RoleName: adopted }));
    await iam.send(new GetRoleCommand({ RoleName: ROLES[0].roleName }));

    const after = recorder.mutatingCalls().length;
    const again = await decommission();
    expect(again.outputs.roleNames).toEqual([]);
    expect(again.logger.lines).toEqual([
      `info no IAM role carries collate.io/deployment=${deployment}: nothing to delete`,
    ]);
    expect(recorder.mutatingCalls().length).toBe(after);
  });

  it('decommissions the bucket only when empty or forced, and the OIDC provider once no role trusts it; adopted ones stay', async () => {
    const deployment = `dep2-${suffix}`;
    const aws = { ...awsTestConfig(), region: 'eu-west-1' };
    const s3 = new S3Client(aws);
    const run = async (
      action: { handler: (ctx: never) => Promise<void> },
      input: object,
      isDryRun = false,
    ) => {
      const c = actionContext(input as never, { isDryRun });
      await action.handler(c.ctx as never);
      return c;
    };
    // The deployment's bucket, and someone else's, there before and adopted.
    const own = `collate-own-bucket-${suffix}`;
    const theirs = `collate-their-bucket-${suffix}`;
    await s3.send(
      new CreateBucketCommand({
        Bucket: theirs,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    expect(
      (
        await run(actions.bucket, {
          bucket: own,
          region: 'eu-west-1',
          deployment,
        })
      ).outputs.owned,
    ).toBe(true);
    expect(
      (
        await run(actions.bucket, {
          bucket: theirs,
          region: 'eu-west-1',
          deployment,
        })
      ).outputs.owned,
    ).toBe(false);
    await s3.send(
      new PutObjectCommand({
        Bucket: own,
        Key: 'workflows/run-1/log',
        Body: 'x',
      }),
    );
    const kept = await run(actions.deleteBucket, { deployment });
    expect(kept.outputs).toEqual({ buckets: [], kept: [own] });
    expect(kept.logger.lines.join('\n')).toContain(
      `kept: S3 bucket ${own} holds objects (workflows/run-1/log); set force to delete it with them`,
    );
    const forced = await run(actions.deleteBucket, { deployment, force: true });
    expect(forced.outputs).toEqual({ buckets: [own], kept: [] });
    await expect(
      s3.send(new HeadBucketCommand({ Bucket: own })),
    ).rejects.toThrow();
    await s3.send(new HeadBucketCommand({ Bucket: theirs }));

    // moto gives every EKS cluster the same issuer: the cluster's provider, made before this test, is adopted.
    const adopted = await run(actions.oidc, {
      clusterName,
      region: 'eu-west-1',
      deployment,
    });
    expect(adopted.outputs.owned).toBe(false);
    // Made by the first test here, or marked by another deployment (the template test's), whichever came first.
    expect(adopted.logger.lines.join('\n')).toMatch(
      new RegExp(
        `exists and was not created by deployment ${deployment} \\((no marker|its marker names [a-z0-9-]+)\\): adopted`,
      ),
    );
    // A provider created for the deployment, as the action creates one on a cluster of its own, trusted by its role.
    const iam = new IAMClient(aws);
    const { OpenIDConnectProviderArn: providerArn } = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://oidc.eks.eu-west-1.amazonaws.com/id/DEP2${suffix.toUpperCase()}`,
        ClientIDList: ['sts.amazonaws.com'],
        Tags: [{ Key: 'collate.io/deployment', Value: deployment }],
      }),
    );
    const oidc = { outputs: { providerArn } };
    const role = `collate-dep2-role-${suffix}`;
    await run(actions.role, {
      roleName: role,
      oidcProviderArn: oidc.outputs.providerArn,
      namespace: 'collate',
      serviceAccount: 'om-role',
      deployment,
    });
    const trusted = await run(actions.deleteOidc, { deployment });
    expect(trusted.outputs).toEqual({
      providerArns: [],
      kept: [oidc.outputs.providerArn],
    });
    expect(trusted.logger.lines.join('\n')).toContain(
      `kept: IAM OIDC provider ${oidc.outputs.providerArn} is still trusted by ${role}`,
    );
    await run(actions.deleteRoles, { deployment });
    const plan = await run(actions.deleteOidc, { deployment }, true);
    expect(plan.outputs.providerArns).toEqual([oidc.outputs.providerArn]);
    const before = recorder.mutatingCalls().length;
    await run(actions.deleteOidc, { deployment });
    expect(
      recorder
        .mutatingCalls()
        .slice(before)
        .map(c => c.operation),
    ).toEqual(['DeleteOpenIDConnectProvider']);
    // Nothing left: a second decommission sends no mutating call.
    const after = recorder.mutatingCalls().length;
    await run(actions.deleteBucket, { deployment, force: true });
    await run(actions.deleteOidc, { deployment });
    await run(actions.deleteRoles, { deployment });
    expect(recorder.mutatingCalls().length).toBe(after);
  });
});
