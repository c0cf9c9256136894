// AWS pieces the Collate actions need on moto, shared by tests, benchmarks and the live demo.
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { awsTestConfig, testEnv } from './env';

/**
 * The actions' `collate.aws` config for moto, in the guides' region; `endpoint` may be a recording proxy in front
 * of moto.
 */
export function collateAwsTestConfig(endpoint = testEnv.awsEndpoint()) {
  return {
    region: 'eu-west-1',
    endpoint,
    credentials: awsTestConfig().credentials,
  };
}

/** An EKS cluster on moto, created unless it exists: the OIDC issuer the IRSA steps federate with. */
export async function ensureEksCluster(name: string, region = 'eu-west-1') {
  await new EKSClient({ ...awsTestConfig(), region })
    .send(
      new CreateClusterCommand({
        name,
        roleArn: 'arn:aws:iam::123456789012:role/eks',
        resourcesVpcConfig: { subnetIds: ['subnet-1'] },
      }),
    )
    .catch(error => {
      if (error.name !== 'ResourceInUseException') throw error;
    });
}
