import type { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  RemoveRoleFromInstanceProfileCommand,
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
import { examples } from './iamDeleteRoles.examples';
import { nameList } from '../../lib/schema';

/** Ignores IAM's "no such entity": a second run, or another run, got there first. */
const gone = (e: unknown) => {
  if (awsErrorName(e) !== 'NoSuchEntityException') throw e;
};

/**
 * `collate:aws:iam:delete-roles`: deletes the IAM roles a deployment created (those carrying its
 * `collate.io/deployment` tag), with their policy attachments; roles it adopted carry no marker and stay.
 * @public
 */
export function createAwsIamDeleteRolesAction(options: { config: Config }) {
  return createTemplateAction({
    id: 'collate:aws:iam:delete-roles',
    description: `Deletes the IAM roles tagged ${DEPLOYMENT_MARKER}=<deployment> (what collate:aws:iam:service-account-role created for that deployment): detaches their managed policies, deletes their inline policies, removes them from instance profiles, then deletes them. Roles without the deployment's marker are never touched. Idempotent; dry-run lists the roles and what is attached.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        deployment: decommissionInput,
        region: awsRegionInput('Region for the IAM client'),
      },
      output: {
        roleNames: nameList('The roles deleted (in dry-run: that would be)'),
      },
    },
    async handler(ctx) {
      const { deployment } = awsDecommissionScope(ctx.input);
      const iam = new IAMClient(
        awsClientConfig(options.config, ctx.input.region),
      );
      const dryRun = Boolean(ctx.isDryRun);

      // Every role of the account, and the marker of each: IAM lists no tags with roles.
      const owned: string[] = [];
      for (const role of await listAllRoles(iam)) {
        const tags = await iam
          .send(new ListRoleTagsCommand({ RoleName: role.RoleName! }))
          .then(r => r.Tags, gone);
        if (awsMarkerOf(tags ?? undefined) === deployment)
          owned.push(role.RoleName!);
      }
      owned.sort();
      if (owned.length === 0)
        ctx.logger.info(
          `no IAM role carries ${DEPLOYMENT_MARKER}=${deployment}: nothing to delete`,
        );

      for (const RoleName of owned) {
        const [attached, inline, profiles] = await Promise.all([
          iam
            .send(new ListAttachedRolePoliciesCommand({ RoleName }))
            .then(r => r.AttachedPolicies?.map(p => p.PolicyArn!) ?? []),
          iam
            .send(new ListRolePoliciesCommand({ RoleName }))
            .then(r => r.PolicyNames ?? []),
          iam
            .send(new ListInstanceProfilesForRoleCommand({ RoleName }))
            .then(
              r => r.InstanceProfiles?.map(p => p.InstanceProfileName!) ?? [],
            ),
        ]);
        const what = [
          attached.length ? `detaching ${attached.join(', ')}` : '',
          inline.length ? `inline policies ${inline.join(', ')}` : '',
          profiles.length
            ? `from instance profiles ${profiles.join(', ')}`
            : '',
        ]
          .filter(Boolean)
          .join('; ');
        ctx.logger.info(
          `${dryRun ? 'would delete' : 'deleting'} IAM role ${RoleName}${
            what ? ` (${what})` : ''
          }`,
        );
        if (dryRun) continue;
        for (const PolicyArn of attached)
          await iam
            .send(new DetachRolePolicyCommand({ RoleName, PolicyArn }))
            .catch(gone);
        for (const PolicyName of inline)
          await iam
            .send(new DeleteRolePolicyCommand({ RoleName, PolicyName }))
            .catch(gone);
        for (const InstanceProfileName of profiles)
          await iam
            .send(
              new RemoveRoleFromInstanceProfileCommand({
                RoleName,
                InstanceProfileName,
              }),
            )
            .catch(gone);
        await iam.send(new DeleteRoleCommand({ RoleName })).catch(gone);
      }
      ctx.output('roleNames', owned);
    },
  });
}
