import type { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  awsClientConfig,
  awsDecommissionScope,
  awsRegionInput,
  awsErrorName,
} from '../../lib/aws';
import { decommissionInput, DEPLOYMENT_MARKER } from '../../lib/markers';
import {} from '../../lib/validation';
import { bucketMarker } from './s3EnsureBucket';
import { examples } from './s3DeleteBucket.examples';
import { nameList } from '../../lib/schema';

/**
 * `collate:aws:s3:delete-bucket`: deletes the S3 buckets a deployment created (its marker) when they are empty, or
 * with everything in them when forced; a bucket it adopted carries no marker and stays.
 * @public
 */
export function createAwsS3DeleteBucketAction(options: { config: Config }) {
  return createTemplateAction({
    id: 'collate:aws:s3:delete-bucket',
    description: `Decommission: deletes the S3 buckets tagged ${DEPLOYMENT_MARKER}=<deployment> when they are empty; one that holds objects is kept and said so, unless force is set, which deletes every object version first. Idempotent; dry-run says what would be deleted.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        deployment: decommissionInput,
        force: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Delete a bucket that still holds objects, with its objects (Argo artifacts, logs)',
            ),
        region: awsRegionInput(),
      },
      output: {
        buckets: nameList('Buckets deleted (in dry-run: that would be)'),
        kept: nameList(
          "The deployment's buckets kept because they hold objects",
        ),
      },
    },
    async handler(ctx) {
      const { deployment } = awsDecommissionScope(ctx.input);
      const force = ctx.input.force ?? false;
      const s3 = new S3Client({
        ...awsClientConfig(options.config, ctx.input.region),
        followRegionRedirects: true,
      });
      const verb = ctx.isDryRun ? 'would delete' : 'deleting';
      const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
      const owned: string[] = [];
      for (const { Name } of Buckets)
        if ((await bucketMarker(s3, Name!)) === deployment) owned.push(Name!);
      if (owned.length === 0)
        ctx.logger.info(
          `no S3 bucket carries ${DEPLOYMENT_MARKER}=${deployment}: nothing to delete`,
        );

      const deleted: string[] = [];
      const kept: string[] = [];
      for (const Bucket of owned) {
        let versions: Array<{ Key?: string; VersionId?: string }> = [];
        let keyMarker: string | undefined;
        let versionMarker: string | undefined;
        do {
          const page = await s3.send(
            new ListObjectVersionsCommand({
              Bucket,
              KeyMarker: keyMarker,
              VersionIdMarker: versionMarker,
            }),
          );
          versions = [
            ...versions,
            ...(page.Versions ?? []),
            ...(page.DeleteMarkers ?? []),
          ];
          keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
          versionMarker = page.IsTruncated
            ? page.NextVersionIdMarker
            : undefined;
        } while (keyMarker && force);
        if (versions.length > 0 && !force) {
          ctx.logger.info(
            `kept: S3 bucket ${Bucket} holds objects (${versions
              .slice(0, 5)
              .map(v => v.Key)
              .join(', ')}${
              versions.length > 5 ? ', …' : ''
            }); set force to delete it with them`,
          );
          kept.push(Bucket);
          continue;
        }
        ctx.logger.info(
          `${verb} S3 bucket ${Bucket}${
            versions.length
              ? ` with its ${versions.length} object versions`
              : ''
          }`,
        );
        deleted.push(Bucket);
        if (ctx.isDryRun) continue;
        for (let i = 0; i < versions.length; i += 1000)
          await s3.send(
            new DeleteObjectsCommand({
              Bucket,
              Delete: {
                Objects: versions
                  .slice(i, i + 1000)
                  .map(v => ({ Key: v.Key!, VersionId: v.VersionId })),
                Quiet: true,
              },
            }),
          );
        await s3.send(new DeleteBucketCommand({ Bucket })).catch(e => {
          if (awsErrorName(e) !== 'NoSuchBucket') throw e;
        });
      }
      ctx.output('buckets', deleted);
      ctx.output('kept', kept);
    },
  });
}
