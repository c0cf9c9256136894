import type { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListOpenIDConnectProviderTagsCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig, awsRegionInput } from '../../lib/aws';
import { logChange, plannedChange } from '../../lib/plan';
import { assertAwsRegion, assertEksClusterName } from '../../lib/validation';
import { examples } from './eksOidcProvider.examples';
import {
  assertDeployment,
  awsMarkerOf,
  awsMarkerTags,
  deploymentInput,
  ownsExisting,
} from '../../lib/markers';

const STS_AUDIENCE = 'sts.amazonaws.com';

/**
 * `collate:aws:eks:oidc-provider`: reads an EKS cluster's OIDC issuer and ensures the IAM OIDC provider for it exists
 * with client id sts.amazonaws.com (eksctl utils associate-iam-oidc-provider).
 * @public
 */
export function createAwsEksOidcProviderAction(options: { config: Config }) {
  return createTemplateAction({
    id: 'collate:aws:eks:oidc-provider',
    description:
      "Ensures the IAM OIDC provider of an EKS cluster's issuer exists (client id sts.amazonaws.com); outputs the issuer and the provider ARN.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        clusterName: z => z.string().describe('EKS cluster name'),
        region: awsRegionInput(),
        deployment: deploymentInput,
      },
      output: {
        owned: z =>
          z
            .boolean()
            .describe(
              "Whether the provider carries the deployment's marker (created for it); false when adopted",
            ),
        issuer: z =>
          z
            .string()
            .describe(
              'OIDC issuer URL, https://oidc.eks.<region>.amazonaws.com/id/<id>',
            ),
        issuerHostPath: z =>
          z
            .string()
            .describe("The issuer without https:// (the guide's OIDC_ISSUER)"),
        providerArn: z => z.string().describe('ARN of the IAM OIDC provider'),
        accountId: z => z.string().describe('AWS account id'),
      },
    },
    async handler(ctx) {
      const { clusterName, region, deployment } = ctx.input;
      assertEksClusterName('clusterName', clusterName);
      assertDeployment(deployment);
      if (region !== undefined) assertAwsRegion('region', region);
      const clientConfig = awsClientConfig(options.config, region);
      const eks = new EKSClient(clientConfig);
      const iam = new IAMClient(clientConfig);
      const { cluster } = await eks.send(
        new DescribeClusterCommand({ name: clusterName }),
      );
      const issuer = cluster?.identity?.oidc?.issuer;
      if (!issuer)
        throw new Error(`EKS cluster ${clusterName} reports no OIDC issuer`);
      const issuerHostPath = issuer.replace(/^https:\/\//, '');
      const { Account: accountId } = await new STSClient(clientConfig).send(
        new GetCallerIdentityCommand({}),
      );
      const partition = cluster?.arn?.split(':')[1] ?? 'aws';
      const providerArn = `arn:${partition}:iam::${accountId}:oidc-provider/${issuerHostPath}`;

      const { OpenIDConnectProviderList = [] } = await iam.send(
        new ListOpenIDConnectProvidersCommand({}),
      );
      const exists = OpenIDConnectProviderList.some(p => p.Arn === providerArn);
      const clientIds = exists
        ? (
            await iam.send(
              new GetOpenIDConnectProviderCommand({
                OpenIDConnectProviderArn: providerArn,
              }),
            )
          ).ClientIDList ?? []
        : [];
      // One provider per cluster, shared by every deployment on it: the first that creates it owns it.
      const owned =
        exists && deployment
          ? ownsExisting(
              ctx.logger,
              `IAM OIDC provider ${issuerHostPath}`,
              deployment,
              awsMarkerOf(
                (
                  await iam.send(
                    new ListOpenIDConnectProviderTagsCommand({
                      OpenIDConnectProviderArn: providerArn,
                    }),
                  )
                ).Tags,
              ),
            )
          : Boolean(deployment);
      const change = plannedChange(`IAM OIDC provider ${issuerHostPath}`, {
        exists,
        changes: clientIds.includes(STS_AUDIENCE)
          ? undefined
          : {
              clientIds: {
                current: clientIds,
                desired: [...clientIds, STS_AUDIENCE],
              },
            },
      });
      logChange(ctx.logger, change, Boolean(ctx.isDryRun));
      if (!ctx.isDryRun && change.action !== 'unchanged') {
        await ctx.checkpoint({
          key: `aws.eks.oidc-provider.${providerArn}`,
          fn: async () => {
            if (change.action === 'create') {
              await iam.send(
                new CreateOpenIDConnectProviderCommand({
                  Url: issuer,
                  ClientIDList: [STS_AUDIENCE],
                  Tags: awsMarkerTags(deployment),
                }),
              );
            } else {
              await iam.send(
                new AddClientIDToOpenIDConnectProviderCommand({
                  OpenIDConnectProviderArn: providerArn,
                  ClientID: STS_AUDIENCE,
                }),
              );
            }
          },
        });
      }
      ctx.output('issuer', issuer);
      ctx.output('issuerHostPath', issuerHostPath);
      ctx.output('providerArn', providerArn);
      ctx.output('accountId', accountId!);
      ctx.output('owned', owned);
    },
  });
}
