import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  IAMClient,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import { awsClientConfig } from '../aws';
import type { PreflightCheckDefinition } from './check';

/** The EKS cluster's OIDC issuer, and whether IAM has its OIDC provider (IRSA needs it). */
export const eksOidcProviderCheck: PreflightCheckDefinition = {
  name: 'eks-oidc-provider',
  unreachable: 'fail',
  applies: input => Boolean(input.aws),
  async run({ input, config }) {
    const { clusterName, region } = input.aws!;
    const cfg = awsClientConfig(config, region);
    const { cluster } = await new EKSClient(cfg).send(
      new DescribeClusterCommand({ name: clusterName }),
    );
    const issuer = cluster?.identity?.oidc?.issuer?.replace(/^https:\/\//, '');
    if (!issuer)
      return {
        name: 'eks-oidc-provider',
        status: 'fail',
        reason: `EKS cluster ${clusterName} has no OIDC issuer`,
      };
    const { OpenIDConnectProviderList = [] } = await new IAMClient(cfg).send(
      new ListOpenIDConnectProvidersCommand({}),
    );
    return OpenIDConnectProviderList.some(p =>
      p.Arn?.endsWith(`:oidc-provider/${issuer}`),
    )
      ? {
          name: 'eks-oidc-provider',
          status: 'pass',
          reason: `IAM OIDC provider for ${issuer} exists`,
        }
      : {
          name: 'eks-oidc-provider',
          status: 'warn',
          reason: `no IAM OIDC provider for ${issuer} yet; collate:aws:eks:oidc-provider creates it`,
        };
  },
};
