import { InputError } from '@backstage/errors';

/**
 * Input checks that run before any call: a bad value fails the step with an InputError that names the field
 * and the rule, and nothing is changed. zod schemas catch shapes; these catch the upstream's naming rules.
 */

/** A DNS-1123 label of at most 63 characters: namespaces and label-like names (`assertDnsLabel`, and zod schemas). */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function fail(field: string, message: string): never {
  throw new InputError(`Invalid input '${field}': ${message}`);
}

/** Namespaces, service accounts' namespaces, label-like names: RFC 1123 labels, at most 63 characters. */
export function assertDnsLabel(field: string, value: string): void {
  if (!DNS1123_LABEL.test(value)) {
    fail(
      field,
      `'${value}' must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
}

/** Object names (Secrets, ServiceAccounts, Roles): RFC 1123 subdomains, at most 253 characters. */
export function assertDnsSubdomain(field: string, value: string): void {
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    fail(
      field,
      `'${value}' must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`,
    );
  }
}

export function assertGuid(field: string, value: string): void {
  if (
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(
      value,
    )
  ) {
    fail(
      field,
      `'${value}' must be a GUID such as 00000000-0000-0000-0000-000000000000`,
    );
  }
}

/** Azure resource group names: 1-90 letters, digits, '_', '-', '.', '(' and ')', not ending with '.'. */
export function assertResourceGroup(field: string, value: string): void {
  if (!/^[-\w.()]{1,90}$/.test(value) || value.endsWith('.')) {
    fail(
      field,
      `'${value}' must be 1-90 letters, digits, '_', '-', '.', '(' or ')', and not end with '.'`,
    );
  }
}

/** User-assigned managed identity names: 3-128 characters, letters, digits, '-' and '_', starting alphanumerically. */
export function assertIdentityName(field: string, value: string): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/.test(value)) {
    fail(
      field,
      `'${value}' must be 3-128 letters, digits, '-' or '_', starting with a letter or digit`,
    );
  }
}

/** Federated identity credential names: 3-120 characters, letters, digits, '-' and '_', starting alphanumerically. */
export function assertFederatedCredentialName(
  field: string,
  value: string,
): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/.test(value)) {
    fail(
      field,
      `'${value}' must be 3-120 letters, digits, '-' or '_', starting with a letter or digit`,
    );
  }
}

/** Storage account names: 3-24 lowercase letters and digits. */
export function assertStorageAccountName(field: string, value: string): void {
  if (!/^[a-z0-9]{3,24}$/.test(value)) {
    fail(field, `'${value}' must be 3-24 lowercase letters and digits`);
  }
}

/** Blob container names: 3-63 lowercase letters, digits and single '-', starting and ending alphanumerically. */
export function assertContainerName(field: string, value: string): void {
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(value)) {
    fail(
      field,
      `'${value}' must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit`,
    );
  }
}

/** AKS cluster names: 1-63 letters, digits, '_' and '-', starting and ending alphanumerically. */
export function assertAksName(field: string, value: string): void {
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?$/.test(value)) {
    fail(
      field,
      `'${value}' must be 1-63 letters, digits, '_' or '-', starting and ending with a letter or digit`,
    );
  }
}

/** Azure locations as the API writes them: lowercase letters and digits (e.g. westeurope). */
export function assertAzureLocation(field: string, value: string): void {
  if (!/^[a-z][a-z0-9]{2,40}$/.test(value)) {
    fail(
      field,
      `'${value}' must be an Azure location name such as westeurope (lowercase, no spaces)`,
    );
  }
}

export function assertHttpsUrl(field: string, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    url.protocol !== 'https:' ||
    !url.hostname ||
    url.username ||
    url.password ||
    url.search ||
    url.hash
  ) {
    fail(
      field,
      `'${value}' must be an https URL without credentials, query or fragment`,
    );
  }
}

/** An in-cluster service URL: http(s)://host[:port], nothing after it. */
export function assertServiceUrl(field: string, value: string): void {
  if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/.test(value))
    fail(field, `'${value}' must be http(s)://host[:port]`);
}

/** S3 bucket names: 3-63 lowercase letters, digits, '.' and '-', no IP-address form, no '..'. */
export function assertBucketName(field: string, value: string): void {
  if (
    !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value) ||
    value.includes('..') ||
    value.includes('.-') ||
    value.includes('-.') ||
    /^\d+\.\d+\.\d+\.\d+$/.test(value) ||
    value.startsWith('xn--') ||
    value.endsWith('-s3alias')
  ) {
    fail(
      field,
      `'${value}' is not a valid S3 bucket name (3-63 lowercase letters, digits, '.' and '-')`,
    );
  }
}

/** IAM role names: 1-64 characters of [\w+=,.@-]. */
export function assertIamRoleName(field: string, value: string): void {
  if (!/^[\w+=,.@-]{1,64}$/.test(value)) {
    fail(field, `'${value}' must be 1-64 letters, digits or +=,.@_-`);
  }
}

/** IAM role ARNs. */
export function assertRoleArn(field: string, value: string): void {
  if (
    !/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(value)
  ) {
    fail(
      field,
      `'${value}' is not an IAM role ARN such as arn:aws:iam::123456789012:role/collate-ingestion-role`,
    );
  }
}

/** IAM managed policy ARNs. */
export function assertPolicyArn(field: string, value: string): void {
  if (
    !/^arn:aws(-cn|-us-gov)?:iam::(aws|\d{12}):policy\/[\w+=,.@/-]{1,512}$/.test(
      value,
    )
  ) {
    fail(
      field,
      `'${value}' is not an IAM policy ARN such as arn:aws:iam::aws:policy/AmazonS3FullAccess`,
    );
  }
}

export function assertAwsRegion(field: string, value: string): void {
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(value)) {
    fail(field, `'${value}' is not an AWS region such as eu-west-1`);
  }
}

/** EKS cluster names: 1-100 letters, digits, '-' and '_', starting alphanumerically. */
export function assertEksClusterName(field: string, value: string): void {
  if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(value)) {
    fail(
      field,
      `'${value}' must be 1-100 letters, digits, '-' or '_', starting with a letter or digit`,
    );
  }
}
