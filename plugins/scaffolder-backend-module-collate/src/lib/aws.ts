import type { Config } from '@backstage/config';
import type { z as zod } from 'zod/v3';
import { requireDeployment } from './markers';
import { assertAwsRegion } from './validation';
import {
  type IAMClient,
  ListRolesCommand,
  type Role,
} from '@aws-sdk/client-iam';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from '@aws-sdk/types';

/** AWS SDK v3 client configuration from `collate.aws` config (see config.d.ts). */
export interface AwsClientConfig {
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

export function awsClientConfig(
  config: Config,
  region?: string,
): AwsClientConfig {
  const aws = config.getOptionalConfig('collate.aws');
  const endpoint = aws?.getOptionalString('endpoint');
  const accessKeyId = aws?.getOptionalString('credentials.accessKeyId');
  const secretAccessKey = aws?.getOptionalString('credentials.secretAccessKey');
  const roleArn = aws?.getOptionalString('roleArn');
  const base: AwsClientConfig = {
    region: region ?? aws?.getOptionalString('region'),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey } }
      : {}),
  };
  if (roleArn) {
    base.credentials = fromTemporaryCredentials({
      params: { RoleArn: roleArn, RoleSessionName: 'backstage-collate' },
      clientConfig: { region: base.region, ...(endpoint ? { endpoint } : {}) },
      ...(base.credentials
        ? { masterCredentials: base.credentials as AwsCredentialIdentity }
        : {}),
    });
  }
  return base;
}

export function awsErrorName(error: unknown): string | undefined {
  return (error as { name?: string })?.name;
}

/** Every IAM role of the account, page by page (`ListRoles` returns no tags). */
export async function listAllRoles(iam: IAMClient): Promise<Role[]> {
  const roles: Role[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ Marker: marker }));
    roles.push(...(page.Roles ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return roles;
}

/** The optional `region` input of the AWS actions; `collate.aws.region` when not given. */
export const awsRegionInput =
  (what = 'AWS region') =>
  (z: typeof zod) =>
    z.string().optional().describe(`${what}; default collate.aws.region`);

/** What an AWS decommission action works on, checked before any call: the deployment whose marker it deletes. */
export function awsDecommissionScope(input: {
  deployment?: string;
  region?: string;
}): { deployment: string; region?: string } {
  const deployment = requireDeployment(input.deployment);
  if (input.region !== undefined) assertAwsRegion('region', input.region);
  return { deployment, region: input.region };
}
