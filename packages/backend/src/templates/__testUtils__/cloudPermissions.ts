import type { AwsCall } from '@internal/testenv';

/**
 * The IAM actions an AWS API call needs, from what the recording proxy saw: the action name of query and JSON
 * protocols (IAM, STS, ECR), the method and path of REST ones (S3, EKS). Undefined for a call it cannot name, so
 * that a test fails on it instead of passing it by.
 */
export function iamActionsOf(call: AwsCall): string[] | undefined {
  if (!call.operation.includes(' ')) {
    // GetCallerIdentity needs no permission at all.
    if (call.service === 'sts' && call.operation === 'GetCallerIdentity')
      return [];
    return [`${call.service}:${call.operation}`];
  }
  const [method, rawUrl] = call.operation.split(' ');
  const url = new URL(rawUrl, 'http://aws');
  const query = [...url.searchParams.keys()];
  const has = (key: string) => query.includes(key);
  const segments = url.pathname.split('/').filter(Boolean);
  if (call.service === 'eks') {
    if (method === 'GET' && segments[0] === 'clusters' && segments.length === 2)
      return ['eks:DescribeCluster'];
    return undefined;
  }
  if (call.service !== 's3') return undefined;
  if (segments.length === 0)
    return method === 'GET' ? ['s3:ListAllMyBuckets'] : undefined;
  if (segments.length > 1) return undefined; // no object-level call is made
  const bucketCalls: Array<[string, string, string[]]> = [
    ['PUT', 'tagging', ['s3:PutBucketTagging']],
    ['GET', 'tagging', ['s3:GetBucketTagging']],
    ['PUT', 'encryption', ['s3:PutEncryptionConfiguration']],
    ['GET', 'encryption', ['s3:GetEncryptionConfiguration']],
    ['PUT', 'publicAccessBlock', ['s3:PutBucketPublicAccessBlock']],
    ['GET', 'versions', ['s3:ListBucketVersions']],
    // DeleteObjects with version ids: each version is deleted, not only marked.
    ['POST', 'delete', ['s3:DeleteObject', 's3:DeleteObjectVersion']],
  ];
  for (const [m, key, actions] of bucketCalls)
    if (method === m && has(key)) return actions;
  if (method === 'PUT' && query.length === 0) return ['s3:CreateBucket'];
  if (method === 'HEAD' && query.length === 0) return ['s3:ListBucket'];
  if (method === 'GET' && (query.length === 0 || has('list-type')))
    return ['s3:ListBucket'];
  if (method === 'DELETE' && query.length === 0) return ['s3:DeleteBucket'];
  return undefined;
}

/** Every action an IAM policy document allows. */
export function policyActions(policy: {
  Statement: Array<{ Effect: string; Action: string | string[] }>;
}): Set<string> {
  return new Set(
    policy.Statement.filter(s => s.Effect === 'Allow').flatMap(s =>
      [s.Action].flat(),
    ),
  );
}

/**
 * The Azure RBAC action an ARM request needs: `<namespace>/<type>[/<child type>…]/read|write|delete`, or
 * `…/<name>/action` for a POST to an action (`listKeys`); `Microsoft.Resources/…` for a subscription or resource
 * group. Undefined for what is not an ARM resource request (token endpoints, Microsoft Graph, data planes).
 */
export function azureActionOf(call: {
  method: string;
  path: string;
}): string | undefined {
  const path = call.path.split('?')[0].replace(/\/+$/, '');
  if (!/^\/subscriptions\//i.test(path)) return undefined;
  const verb = (collection: boolean) => {
    if (call.method === 'GET' || call.method === 'HEAD') return 'read';
    if (call.method === 'PUT' || call.method === 'PATCH') return 'write';
    if (call.method === 'DELETE') return 'delete';
    return collection ? 'action' : undefined;
  };
  const at = path.toLowerCase().lastIndexOf('/providers/');
  if (at < 0) {
    // /subscriptions/{id}[/resourceGroups[/{name}]]
    const parts = path.split('/').filter(Boolean);
    const types = ['subscriptions', 'resourceGroups'].slice(
      0,
      Math.ceil(parts.length / 2),
    );
    return `Microsoft.Resources/${types.join('/')}/${verb(false)}`;
  }
  const [namespace, ...rest] = path
    .slice(at + '/providers/'.length)
    .split('/')
    .filter(Boolean);
  const types = rest.filter((_, i) => i % 2 === 0);
  // A POST to /{type}/{name}/{action}: the last segment names the action. Name checks are reads in RBAC
  // (`Microsoft.Storage/checknameavailability/read`).
  if (call.method === 'POST' && rest.length % 2 === 1) {
    const action = types.pop()!;
    if (types.length === 0 && /^checkNameAvailability$/i.test(action))
      return `${namespace}/checknameavailability/read`;
    return `${[namespace, ...types].join('/')}/${action}/action`;
  }
  const v = verb(rest.length % 2 === 1);
  return v ? `${namespace}/${types.join('/')}/${v}` : undefined;
}
