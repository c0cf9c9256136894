import type { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DeleteOpenIDConnectProviderCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListOpenIDConnectProviderTagsCommand,
} from '@aws-sdk/client-iam';
import {
  awsClientConfig,
  awsDecommissionScope,
  awsRegionInput,
  awsErrorName,
  listAllRoles,
} from '../../lib/aws';
import {
  decommissionInput,
  awsMarkerOf,
  DEPLOYMENT_MARKER,
} from '../../lib/markers';
import {} from '../../lib/validation';
import { examples } from './eksDeleteOidcProvider.examples';
import { nameList } from '../../lib/schema';

/** The providers a role's trust policy names (`Principal.Federated`). */
function federatedPrincipals(document: string | undefined): string[] {
  if (!document) return [];
  const policy = JSON.parse(decodeURIComponent(document)) as {
    Statement?: Array<{ Principal?: { Federated?: string | string[] } }>;
  };
  return (policy.Statement ?? []).flatMap(s =>
    [s.Principal?.Federated ?? []].flat(),
  );
}

/**
 * `collate:aws:eks:delete-oidc-provider`: deletes the EKS cluster's IAM OIDC provider when the deployment created it
 * (its marker) and no IAM role trusts it any more; a provider another deployment or anyone else still uses is kept.
 * @public
 */
export function createAwsEksDeleteOidcProviderAction(options: {
  config: Config;
}) {
  return createTemplateAction({
    id: 'collate:aws:eks:delete-oidc-provider',
    description: `Decommission: deletes the IAM OIDC providers tagged ${DEPLOYMENT_MARKER}=<deployment> that no IAM role trusts any more (run it after collate:aws:iam:delete-roles); a provider some role still trusts is kept, with the roles named. Idempotent; dry-run says what would be deleted.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        deployment: decommissionInput,
        region: awsRegionInput('Region for the IAM client'),
      },
      output: {
        providerArns: nameList('Providers deleted (in dry-run: that would be)'),
        kept: nameList(
          "The deployment's providers kept because a role trusts them",
        ),
      },
    },
    async handler(ctx) {
      const { deployment } = awsDecommissionScope(ctx.input);
      const iam = new IAMClient(
        awsClientConfig(options.config, ctx.input.region),
      );
      const { OpenIDConnectProviderList = [] } = await iam.send(
        new ListOpenIDConnectProvidersCommand({}),
      );
      const owned: string[] = [];
      for (const { Arn } of OpenIDConnectProviderList) {
        const { Tags } = await iam.send(
          new ListOpenIDConnectProviderTagsCommand({
            OpenIDConnectProviderArn: Arn!,
          }),
        );
        if (awsMarkerOf(Tags) === deployment) owned.push(Arn!);
      }
      if (owned.length === 0) {
        ctx.logger.info(
          `no IAM OIDC provider carries ${DEPLOYMENT_MARKER}=${deployment}: nothing to delete`,
        );
        ctx.output('providerArns', []);
        ctx.output('kept', []);
        return;
      }
      // Who still trusts them: every role of the account.
      const trustedBy = new Map<string, string[]>();
      for (const role of await listAllRoles(iam))
        for (const arn of federatedPrincipals(role.AssumeRolePolicyDocument))
          trustedBy.set(arn, [...(trustedBy.get(arn) ?? []), role.RoleName!]);

      const deleted: string[] = [];
      const kept: string[] = [];
      for (const arn of owned) {
        const roles = trustedBy.get(arn) ?? [];
        if (roles.length > 0) {
          ctx.logger.info(
            `kept: IAM OIDC provider ${arn} is still trusted by ${roles.join(
              ', ',
            )}`,
          );
          kept.push(arn);
          continue;
        }
        ctx.logger.info(
          `${
            ctx.isDryRun ? 'would delete' : 'deleting'
          } IAM OIDC provider ${arn}`,
        );
        if (!ctx.isDryRun)
          await iam
            .send(
              new DeleteOpenIDConnectProviderCommand({
                OpenIDConnectProviderArn: arn,
              }),
            )
            .catch(e => {
              if (awsErrorName(e) !== 'NoSuchEntityException') throw e;
            });
        deleted.push(arn);
      }
      ctx.output('providerArns', deleted);
      ctx.output('kept', kept);
    },
  });
}
