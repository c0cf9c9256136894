import {
  describeActionInput,
  PROVIDER,
  DNS_LABEL_BAD,
  DNS_SUBDOMAIN_BAD,
  ROLE_NAME_BAD,
  POLICY_BAD,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:aws:iam:service-account-role', {
  valid: {
    roleName: 'collate-ingestion-role',
    oidcProviderArn: PROVIDER,
    namespace: 'collate',
    serviceAccount: 'om-role',
    policyArns: ['arn:aws:iam::aws:policy/AmazonS3FullAccess'],
  },
  cases: [
    ...vary('roleName', HOSTILE),
    ...vary('roleName', ROLE_NAME_BAD),
    ...vary('oidcProviderArn', [
      '',
      'oidc.eks.eu-west-1.amazonaws.com/id/ABC',
      'arn:aws:iam::123:oidc-provider/x',
      'arn:aws:iam::123456789012:role/x',
      'arn:aws:s3:::b',
      `${PROVIDER} `,
      'arn:aws:iam::123456789012:oidc-provider/',
      'arn:aws:iam::123456789012:oidc-provider/a b',
    ]),
    ...vary('namespace', DNS_LABEL_BAD),
    ...vary('serviceAccount', DNS_SUBDOMAIN_BAD),
    ...POLICY_BAD.map((p): [string, Record<string, unknown>] => [
      `policyArns=[${JSON.stringify(p)}]`,
      { policyArns: [p] },
    ]),
    [
      'trust policy over 2048 characters',
      {
        namespace: 'a'.repeat(63),
        serviceAccount: `${'b'.repeat(250)}`,
        oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/${'C'.repeat(
          900,
        )}`,
      },
    ],
  ],
});
