import type { Config } from '@backstage/config';
import { withRetry } from '../../lib/retry';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRoleTagsCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { isDeepStrictEqual } from 'node:util';
import { awsClientConfig, awsRegionInput, awsErrorName } from '../../lib/aws';
import { logChange, plannedChange } from '../../lib/plan';
import {
  assertAwsRegion,
  assertDnsLabel,
  assertDnsSubdomain,
  assertIamRoleName,
  assertPolicyArn,
  fail,
} from '../../lib/validation';
import { examples } from './iamServiceAccountRole.examples';
import { withDefaults } from '../../lib/defaults';
import {
  assertDeployment,
  awsMarkerOf,
  awsMarkerTags,
  deploymentInput,
  adoptInput,
  claimExisting,
} from '../../lib/markers';

/** IAM's default quota for a role trust policy. */
export const TRUST_POLICY_MAX_LENGTH = 2048;

/** Guide 001's trust policy, statement for statement. */
export function irsaTrustPolicy(
  providerArn: string,
  namespace: string,
  serviceAccount: string,
) {
  const issuerHostPath = providerArn.replace(
    /^arn:[^:]+:iam::\d{12}:oidc-provider\//,
    '',
  );
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuerHostPath}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
          },
        },
      },
    ],
  };
}

/**
 * `collate:aws:iam:service-account-role`: an IAM role for a Kubernetes service account (IRSA) with guide 001's trust
 * policy and managed policies attached. A drifted trust policy is put back.
 * @public
 */
export function createAwsIamServiceAccountRoleAction(options: {
  config: Config;
}) {
  return createTemplateAction({
    id: 'collate:aws:iam:service-account-role',
    description:
      'Ensures an IAM role whose trust policy lets one Kubernetes service account assume it (sts:AssumeRoleWithWebIdentity, StringEquals <issuer>:sub), with managed policies attached.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        roleName: z =>
          z.string().describe('Role name, e.g. collate-ingestion-role'),
        oidcProviderArn: z =>
          z
            .string()
            .describe(
              'IAM OIDC provider ARN (collate:aws:eks:oidc-provider output providerArn)',
            ),
        namespace: z =>
          z.string().describe('Namespace of the service account, e.g. collate'),
        serviceAccount: z =>
          z.string().describe('Service account, e.g. om-role'),
        policyArns: z =>
          z
            .array(z.string())
            .default([])
            .describe(
              'Managed policies to attach, e.g. arn:aws:iam::aws:policy/AmazonS3FullAccess',
            ),
        region: awsRegionInput('Region for the IAM client'),
        deployment: deploymentInput,
        adopt: adoptInput,
      },
      output: {
        owned: z =>
          z
            .boolean()
            .describe(
              'Whether the role carries the deployment marker (created for it); false for an adopted role',
            ),
        roleArn: z =>
          z
            .string()
            .describe(
              'ARN of the role: the eks.amazonaws.com/role-arn annotation',
            ),
        roleName: z => z.string().describe('Name of the role'),
      },
    },
    async handler(ctx) {
      const {
        roleName,
        oidcProviderArn,
        namespace,
        serviceAccount,
        policyArns,
      } = withDefaults(ctx.input, { policyArns: [] as string[] });
      assertIamRoleName('roleName', roleName);
      if (
        !/^arn:aws(-cn|-us-gov)?:iam::\d{12}:oidc-provider\/[A-Za-z0-9.-]+(\/[\w.-]+)*$/.test(
          oidcProviderArn,
        )
      ) {
        fail(
          'oidcProviderArn',
          `'${oidcProviderArn}' is not an IAM OIDC provider ARN`,
        );
      }
      assertDnsLabel('namespace', namespace);
      assertDnsSubdomain('serviceAccount', serviceAccount);
      if (ctx.input.region !== undefined)
        assertAwsRegion('region', ctx.input.region);
      policyArns.forEach((arn, i) => assertPolicyArn(`policyArns[${i}]`, arn));
      const { deployment } = ctx.input;
      assertDeployment(deployment);
      const trust = irsaTrustPolicy(oidcProviderArn, namespace, serviceAccount);
      const document = JSON.stringify(trust);
      if (document.length > TRUST_POLICY_MAX_LENGTH) {
        fail(
          'namespace',
          `the trust policy would be ${document.length} characters, over IAM's ${TRUST_POLICY_MAX_LENGTH}`,
        );
      }
      const iam = new IAMClient(
        awsClientConfig(options.config, ctx.input.region),
      );
      const dryRun = Boolean(ctx.isDryRun);

      const role = await iam
        .send(new GetRoleCommand({ RoleName: roleName }))
        .then(
          r => r.Role,
          e => {
            if (awsErrorName(e) === 'NoSuchEntityException') return undefined;
            throw e;
          },
        );
      const owned =
        role && deployment
          ? claimExisting(
              ctx.logger,
              `IAM role ${roleName}`,
              deployment,
              awsMarkerOf(
                (
                  await iam.send(
                    new ListRoleTagsCommand({ RoleName: roleName }),
                  )
                ).Tags,
              ),
              ctx.input.adopt ?? false,
            )
          : Boolean(deployment);
      const currentTrust = role?.AssumeRolePolicyDocument
        ? JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument))
        : undefined;
      const trustChange = plannedChange(`IAM role ${roleName} trust policy`, {
        exists: Boolean(role),
        changes: isDeepStrictEqual(currentTrust, trust)
          ? undefined
          : {
              AssumeRolePolicyDocument: {
                current: currentTrust,
                desired: trust,
              },
            },
      });
      logChange(ctx.logger, trustChange, dryRun);
      if (trustChange.action === 'create') {
        // The plan shows what the new role will trust, not only its name.
        ctx.logger.info(
          `IAM role ${roleName} trust policy: ${JSON.stringify(trust)}`,
        );
      }

      const attached = role
        ? (
            await iam.send(
              new ListAttachedRolePoliciesCommand({ RoleName: roleName }),
            )
          ).AttachedPolicies?.map(p => p.PolicyArn!) ?? []
        : [];
      const missing = policyArns.filter(arn => !attached.includes(arn));
      for (const arn of missing)
        logChange(
          ctx.logger,
          {
            action: 'create',
            resource: `policy attachment ${arn} on ${roleName}`,
          },
          dryRun,
        );
      for (const arn of attached.filter(a => !policyArns.includes(a))) {
        ctx.logger.warn(
          `${roleName} also has ${arn} attached, which this step does not manage; left alone`,
        );
      }

      let roleArn =
        role?.Arn ??
        oidcProviderArn.replace(/:oidc-provider\/.*$/, `:role/${roleName}`);
      if (
        !dryRun &&
        (trustChange.action !== 'unchanged' || missing.length > 0)
      ) {
        roleArn = await ctx.checkpoint({
          key: `aws.iam.service-account-role.${roleName}.${
            document.length
          }.${policyArns.join(',')}`,
          fn: async () => {
            let arn = role?.Arn;
            // IAM is eventually consistent: a role created a moment ago (by this run, or by a run that died right
            // after creating it) can be unknown to the next call for a few seconds.
            const whileReplicating = <T>(
              what: string,
              call: () => Promise<T>,
            ) =>
              withRetry(call, {
                what,
                retryable: e => awsErrorName(e) === 'NoSuchEntityException',
                attempts: 8,
                initialDelayMs: 500,
                maxDelayMs: 8_000,
                logger: ctx.logger,
              });
            let update = trustChange.action === 'update';
            if (!role) {
              try {
                const created = await iam.send(
                  new CreateRoleCommand({
                    RoleName: roleName,
                    AssumeRolePolicyDocument: document,
                    Tags: awsMarkerTags(deployment),
                  }),
                );
                arn = created.Role!.Arn!;
              } catch (e) {
                if (awsErrorName(e) !== 'EntityAlreadyExistsException') throw e;
                // Created meanwhile, or not yet visible to GetRole: set its trust policy to the one planned.
                ctx.logger.info(
                  `IAM role ${roleName} already exists (not yet visible when read, or created meanwhile): setting its trust policy`,
                );
                arn = roleArn;
                update = true;
              }
            }
            if (update)
              await whileReplicating(`trust policy of ${roleName}`, () =>
                iam.send(
                  new UpdateAssumeRolePolicyCommand({
                    RoleName: roleName,
                    PolicyDocument: document,
                  }),
                ),
              );
            for (const PolicyArn of missing)
              await whileReplicating(`${PolicyArn} on ${roleName}`, () =>
                iam.send(
                  new AttachRolePolicyCommand({
                    RoleName: roleName,
                    PolicyArn,
                  }),
                ),
              );
            return arn!;
          },
        });
      }
      ctx.output('roleArn', roleArn);
      ctx.output('roleName', roleName);
      ctx.output('owned', owned);
    },
  });
}
