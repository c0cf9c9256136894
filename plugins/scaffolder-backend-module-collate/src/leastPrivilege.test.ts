import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The IAM policy the README gives operators for the identity of `collate.aws`. */
const POLICY = resolve(
  __dirname,
  '../../../docs/least-privilege/aws-iam-policy.json',
);

/** The IAM actions a command of the AWS SDK needs, where its name differs from the action's. */
const S3_ACTIONS: Record<string, string[]> = {
  HeadBucket: ['s3:ListBucket'],
  ListBuckets: ['s3:ListAllMyBuckets'],
  GetBucketEncryption: ['s3:GetEncryptionConfiguration'],
  PutBucketEncryption: ['s3:PutEncryptionConfiguration'],
  PutPublicAccessBlock: ['s3:PutBucketPublicAccessBlock'],
  ListObjectVersions: ['s3:ListBucketVersions'],
  // With version ids: each version is deleted, not only marked.
  DeleteObjects: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
};
/** Actions a call needs besides its own, for what it sends along (tags on create). */
const ALSO: Record<string, string[]> = {
  'iam:CreateRole': ['iam:TagRole'],
  'iam:CreateOpenIDConnectProvider': ['iam:TagOpenIDConnectProvider'],
};
/** Calls that need no permission. */
const FREE = new Set(['sts:GetCallerIdentity']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === '__testUtils__' ? [] : sources(path);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)
      ? [path]
      : [];
  });
}

/** Every IAM action the module's code can need: each SDK command it sends, by the client it comes from. */
function actionsTheCodeNeeds(): Set<string> {
  const needed = new Set<string>();
  for (const file of sources(__dirname)) {
    const text = readFileSync(file, 'utf8');
    for (const [, names, client] of text.matchAll(
      /import\s*{([^}]*)}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g,
    )) {
      const service = client === 'sts' ? 'sts' : client;
      for (const [, command] of names.matchAll(/\b(\w+)Command\b/g)) {
        if (!new RegExp(`new ${command}Command\\b`).test(text)) continue;
        const actions =
          service === 's3' && S3_ACTIONS[command]
            ? S3_ACTIONS[command]
            : [`${service}:${command}`];
        for (const action of actions) {
          if (FREE.has(action)) continue;
          needed.add(action);
          ALSO[action]?.forEach(a => needed.add(a));
        }
      }
    }
  }
  return needed;
}

describe('the least-privilege IAM policy (docs/least-privilege/aws-iam-policy.json)', () => {
  const policy = JSON.parse(readFileSync(POLICY, 'utf8')) as {
    Statement: Array<{ Effect: string; Action: string[] }>;
  };
  const allowed = new Set(
    policy.Statement.filter(s => s.Effect === 'Allow').flatMap(s => s.Action),
  );
  const needed = actionsTheCodeNeeds();

  it('finds the AWS commands the actions send', () => {
    // A guard against a scan that finds nothing: the IRSA role and the bucket are always there.
    expect([...needed]).toEqual(
      expect.arrayContaining(['iam:CreateRole', 's3:CreateBucket']),
    );
  });

  it('allows every AWS call the code can make, and nothing else', () => {
    expect([...needed].filter(a => !allowed.has(a)).sort()).toEqual([]);
    expect([...allowed].filter(a => !needed.has(a)).sort()).toEqual([]);
  });
});
