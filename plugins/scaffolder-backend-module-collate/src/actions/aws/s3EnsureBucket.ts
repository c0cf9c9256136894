import type { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { awsClientConfig, awsRegionInput, awsErrorName } from '../../lib/aws';
import { logChange, plannedChange } from '../../lib/plan';
import { assertAwsRegion, assertBucketName, fail } from '../../lib/validation';
import { examples } from './s3EnsureBucket.examples';
import {
  assertDeployment,
  awsMarkerOf,
  awsMarkerTags,
  deploymentInput,
  ownsExisting,
} from '../../lib/markers';

/** The deployment a bucket's tags name, if any. */
export async function bucketMarker(
  s3: S3Client,
  bucket: string,
): Promise<string | undefined> {
  return s3.send(new GetBucketTaggingCommand({ Bucket: bucket })).then(
    r => awsMarkerOf(r.TagSet),
    e => {
      if (awsErrorName(e) === 'NoSuchTagSet') return undefined;
      throw e;
    },
  );
}

/**
 * `collate:aws:s3:ensure-bucket`: the Argo artifact bucket (guide 001: collate-argo-artifacts-<region>) with default
 * encryption and public access blocked.
 * @public
 */
export function createAwsS3EnsureBucketAction(options: { config: Config }) {
  return createTemplateAction({
    id: 'collate:aws:s3:ensure-bucket',
    description:
      'Ensures an S3 bucket exists with default encryption (SSE-S3) and public access blocked; outputs its ARN.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        bucket: z =>
          z
            .string()
            .describe('Bucket name, e.g. collate-argo-artifacts-eu-west-1'),
        region: awsRegionInput(),
        deployment: deploymentInput,
      },
      output: {
        owned: z =>
          z
            .boolean()
            .describe(
              "Whether the bucket carries the deployment's marker (created for it); false when adopted",
            ),
        bucket: z => z.string().describe('The bucket'),
        bucketArn: z => z.string().describe('ARN of the bucket'),
        region: z => z.string().describe('Region of the bucket'),
      },
    },
    async handler(ctx) {
      const { bucket, deployment } = ctx.input;
      assertBucketName('bucket', bucket);
      assertDeployment(deployment);
      if (ctx.input.region !== undefined)
        assertAwsRegion('region', ctx.input.region);
      const clientConfig = awsClientConfig(options.config, ctx.input.region);
      const region = clientConfig.region;
      if (!region)
        fail('region', 'not given, and collate.aws.region is not configured');
      assertAwsRegion('region', region);
      const s3 = new S3Client(clientConfig);
      const dryRun = Boolean(ctx.isDryRun);

      const exists = await s3
        .send(new HeadBucketCommand({ Bucket: bucket }))
        .then(
          () => true,
          e => {
            if (
              awsErrorName(e) === 'NotFound' ||
              e?.$metadata?.httpStatusCode === 404
            )
              return false;
            if (e?.$metadata?.httpStatusCode === 403)
              throw new Error(
                `Bucket ${bucket} exists but belongs to another account, or access is denied`,
              );
            throw e;
          },
        );
      const encrypted = exists
        ? await s3
            .send(new GetBucketEncryptionCommand({ Bucket: bucket }))
            .then(
              r =>
                (r.ServerSideEncryptionConfiguration?.Rules?.length ?? 0) > 0,
              e => {
                if (
                  awsErrorName(e) ===
                  'ServerSideEncryptionConfigurationNotFoundError'
                )
                  return false;
                throw e;
              },
            )
        : false;
      const owned =
        exists && deployment
          ? ownsExisting(
              ctx.logger,
              `S3 bucket ${bucket}`,
              deployment,
              await bucketMarker(s3, bucket),
            )
          : Boolean(deployment);
      const change = plannedChange(`S3 bucket ${bucket}`, {
        exists,
        changes: encrypted
          ? undefined
          : { defaultEncryption: { current: 'none', desired: 'AES256' } },
      });
      logChange(ctx.logger, change, dryRun);
      if (!dryRun && change.action !== 'unchanged') {
        await ctx.checkpoint({
          key: `aws.s3.bucket.${bucket}`,
          fn: async () => {
            if (!exists) {
              await s3.send(
                new CreateBucketCommand({
                  Bucket: bucket,
                  ...(region === 'us-east-1'
                    ? {}
                    : {
                        CreateBucketConfiguration: {
                          LocationConstraint:
                            region as BucketLocationConstraint,
                        },
                      }),
                }),
              );
              if (deployment)
                await s3.send(
                  new PutBucketTaggingCommand({
                    Bucket: bucket,
                    Tagging: { TagSet: awsMarkerTags(deployment) },
                  }),
                );
              await s3.send(
                new PutPublicAccessBlockCommand({
                  Bucket: bucket,
                  PublicAccessBlockConfiguration: {
                    BlockPublicAcls: true,
                    IgnorePublicAcls: true,
                    BlockPublicPolicy: true,
                    RestrictPublicBuckets: true,
                  },
                }),
              );
            }
            await s3.send(
              new PutBucketEncryptionCommand({
                Bucket: bucket,
                ServerSideEncryptionConfiguration: {
                  Rules: [
                    {
                      ApplyServerSideEncryptionByDefault: {
                        SSEAlgorithm: 'AES256',
                      },
                    },
                  ],
                },
              }),
            );
          },
        });
      }
      ctx.output('bucket', bucket);
      ctx.output('bucketArn', `arn:aws:s3:::${bucket}`);
      ctx.output('region', region);
      ctx.output('owned', owned);
    },
  });
}
