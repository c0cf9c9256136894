import {
  EKSClient,
  CreateClusterCommand,
  DescribeClusterCommand,
} from '@aws-sdk/client-eks';
import {
  IAMClient,
  CreateOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
} from '@aws-sdk/client-iam';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
} from '@aws-sdk/client-s3';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { randomBytes } from 'node:crypto';
import { awsTestConfig } from '../env';

// The real AWS SDK v3 clients against moto; only their configuration points them there.
describe('moto (AWS emulator)', () => {
  const config = awsTestConfig();
  const suffix = randomBytes(3).toString('hex');

  it('answers STS and returns an EKS cluster with an OIDC issuer', async () => {
    const identity = await new STSClient(config).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Account).toMatch(/^\d{12}$/);
    const eks = new EKSClient(config);
    await eks.send(
      new CreateClusterCommand({
        name: `collate-${suffix}`,
        roleArn: `arn:aws:iam::${identity.Account}:role/eks`,
        resourcesVpcConfig: { subnetIds: ['subnet-1'] },
      }),
    );
    const { cluster } = await eks.send(
      new DescribeClusterCommand({ name: `collate-${suffix}` }),
    );
    expect(cluster?.identity?.oidc?.issuer).toMatch(/^https:\/\/oidc\.eks\./);
    const iam = new IAMClient(config);
    const issuer = cluster!.identity!.oidc!.issuer!;
    // moto hands every cluster of an account the same issuer, and its state lives as long as the server:
    // an earlier run may have registered the provider already.
    const arn = await iam
      .send(
        new CreateOpenIDConnectProviderCommand({
          Url: issuer,
          ClientIDList: ['sts.amazonaws.com'],
        }),
      )
      .then(r => r.OpenIDConnectProviderArn!)
      .catch(e => {
        if (e.name !== 'EntityAlreadyExistsException') throw e;
        return `arn:aws:iam::${identity.Account}:oidc-provider/${issuer.replace(
          /^https:\/\//,
          '',
        )}`;
      });
    const provider = await iam.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }),
    );
    expect(provider.ClientIDList).toEqual(['sts.amazonaws.com']);
  });

  it('stores S3 objects and issues ECR authorization tokens', async () => {
    const s3 = new S3Client(config);
    const Bucket = `argo-artifacts-${suffix}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'v' }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }));
    expect(await got.Body?.transformToString()).toBe('v');
    const ecr = await new ECRClient(config).send(
      new GetAuthorizationTokenCommand({}),
    );
    expect(ecr.authorizationData?.[0]?.authorizationToken).toBeTruthy();
  });
});
