/* eslint-disable jest/no-export -- the shared input suite: each action's own test file calls describeActionInput */
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { validate } from 'jsonschema';
import yaml from 'yaml';
import { createCollateActions } from '../actions';
import { actionContext } from './context';
import { clusterOptions } from './clusters';

/*
 * The unit test of each action's input: its examples are valid input, and malformed inputs fail with an InputError
 * before any call. Every endpoint in this config is unreachable (port 1), so an attempted call would fail with a
 * connection error instead.
 */
const config = new ConfigReader({
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'aks-prod',
            url: 'https://127.0.0.1:1',
            authProvider: 'serviceAccount',
            serviceAccountToken: 't',
          },
        ],
      },
    ],
  },
  collate: {
    azure: {
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      tenantId: '11111111-2222-3333-4444-555555555555',
      clientId: '11111111-2222-3333-4444-555555555555',
      clientSecret: 'unused',
      authorityHost: 'https://127.0.0.1:1',
      resourceManagerEndpoint: 'https://127.0.0.1:1',
    },
    aws: {
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    },
  },
});
/** Every action of the module, by id, on that unreachable configuration. */
export const actions = new Map(
  createCollateActions(clusterOptions(config)).map(a => [a.id, a]),
);

export const GUID = '6b0f1c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e';
export const CONTAINER = `/subscriptions/${GUID}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/collate/blobServices/default/containers/argo-workflows`;
export const PROVIDER =
  'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123';

// Bad values by kind of field.
export const DNS_LABEL_BAD = [
  '',
  'Upper',
  'has space',
  'under_score',
  '-lead',
  'trail-',
  'a'.repeat(64),
  'dot.dot',
  'ümlaut',
  'semi;colon',
  'slash/x',
  'new\nline',
  '$(id)',
  '*',
];
export const DNS_SUBDOMAIN_BAD = [
  '',
  'Upper',
  'has space',
  'under_score',
  '-lead',
  'trail-',
  'a'.repeat(254),
  'dot..dot',
  '.lead',
  'ümlaut',
  'slash/x',
  '$(id)',
];
export const GUID_BAD = [
  '',
  'not-a-guid',
  '1234',
  GUID.replace(/-/g, ''),
  `{${GUID}}`,
  `${GUID}0`,
  GUID.replace('6', 'g'),
  ' '.repeat(36),
];
export const RG_BAD = [
  '',
  'a'.repeat(91),
  'ends.',
  'has space',
  'semi;colon',
  'slash/x',
  'ümlaut*',
  'a#b',
];
export const IDENTITY_BAD = [
  '',
  'ab',
  '-lead',
  '_lead',
  'has space',
  'a'.repeat(129),
  'dot.dot',
  'slash/x',
  'ümlaut',
  '$(id)',
];
export const LOCATION_BAD = [
  '',
  'West Europe',
  'WestEurope',
  'west-europe',
  'w',
  '1westeurope',
  'west_europe',
  'westeurope!',
];
export const HTTPS_BAD = [
  '',
  'http://issuer.example/',
  'issuer.example',
  'https://',
  'ftp://x',
  'https://user:pw@issuer.example/',
  'https://issuer.example/?q=1',
  'https://issuer.example/#f',
  'not a url',
];
export const STORAGE_BAD = [
  '',
  'ab',
  'Collate',
  'collate-artifacts',
  'collate_artifacts',
  'a'.repeat(25),
  'has space',
  'ümlaut',
];
export const CONTAINER_BAD = [
  '',
  'ab',
  'Argo',
  'argo--workflows',
  '-argo',
  'argo-',
  'a'.repeat(64),
  'argo_workflows',
  'has space',
];
export const BUCKET_BAD = [
  '',
  'ab',
  'Upper',
  'under_score',
  '192.168.1.1',
  'a..b',
  '-lead',
  'trail-',
  'a'.repeat(64),
  'xn--bucket',
  'bucket-s3alias',
  'has space',
];
export const ROLE_NAME_BAD = [
  '',
  'a'.repeat(65),
  'has space',
  'slash/x',
  'semi;colon',
  'ümlaut',
  '$(id)',
  'a#b',
];
export const POLICY_BAD = [
  '',
  'AmazonS3FullAccess',
  'arn:aws:iam::aws:role/x',
  'arn:aws:s3:::bucket',
  'arn:aws:iam::123:policy/x',
  'arn:aws:iam::aws:policy/',
  'arn:aws:iam::aws:policy/has space',
];
export const REGION_BAD = [
  'Europe',
  'eu-west',
  'eu_west_1',
  'EU-WEST-1',
  'euwest1',
  'eu-west-1a',
];
export const EKS_BAD = [
  '',
  '-lead',
  'has space',
  'a'.repeat(101),
  'dot.dot',
  'slash/x',
  'ümlaut',
];
export const AKS_BAD = [
  '',
  '-lead',
  'trail-',
  'has space',
  'a'.repeat(64),
  'dot.dot',
  'slash/x',
];
export const CLUSTER_BAD = ['', 'missing', 'prod', 'AKS-PROD'];

// Hostile strings that no name field of any action accepts.
export const HOSTILE = [
  '',
  ' ',
  '\t',
  'a b',
  'a/b',
  'a\\b',
  'a;b',
  'a|b',
  'a&b',
  '$(id)',
  '`id`',
  "a'b",
  'a"b',
  'a<b>',
  'ü',
  '\u0000',
  'a\nb',
  '../x',
  '*',
  '%00',
  'a'.repeat(300),
];

export type Cases = Array<[string, Record<string, unknown>]>;
export const vary = (field: string, values: unknown[]): Cases =>
  values.map(v => [`${field}=${JSON.stringify(v)}`, { [field]: v }]);

/** The inputs an action's examples give it. */
export function exampleInputs(
  action: TemplateAction<any, any, any>,
): Array<Record<string, unknown>> {
  return (action.examples ?? []).flatMap(({ example }) => {
    const doc = yaml.parse(example) as {
      steps?: Array<{ action?: string; input?: Record<string, unknown> }>;
    };
    return (doc.steps ?? [])
      .filter(step => step.action === action.id)
      .map(step => step.input ?? {});
  });
}

/** Where an input breaks the action's schema; a template expression (`${{ … }}`) is checked once rendered. */
export function schemaErrors(
  action: TemplateAction<any, any, any>,
  input: Record<string, unknown>,
): string[] {
  return validate(input, action.schema!.input as never)
    .errors.filter(
      e => !(typeof e.instance === 'string' && e.instance.includes('${{')),
    )
    .map(e => e.stack);
}

/**
 * The input tests of one action: each example's input follows the action's schema, the suite has at least
 * `minCases` malformed inputs, and each malformed input fails with an InputError before any call.
 */
export function describeActionInput(
  id: string,
  suite: { valid: Record<string, unknown>; cases: Cases; minCases?: number },
  action: TemplateAction<any, any, any> = actions.get(id)!,
) {
  const { valid, cases, minCases = 50 } = suite;
  describe(`${id} input`, () => {
    it('gives examples that follow its schema', () => {
      const inputs = exampleInputs(action);
      expect(inputs.length).toBeGreaterThan(0);
      for (const input of inputs)
        expect(schemaErrors(action, input)).toEqual([]);
    });

    it(`has at least ${minCases} malformed inputs`, () => {
      expect(cases.length).toBeGreaterThanOrEqual(minCases);
    });

    it.each(cases)('refuses %s before any call', async (_name, override) => {
      const input = { ...valid, ...override };
      // The scaffolder first validates input against the action's JSON schema and throws an InputError itself.
      if (!validate(input, action.schema!.input as never).valid) return;
      const { ctx } = actionContext(input as never);
      const error = await action.handler(ctx as never).then(
        () => undefined,
        e => e,
      );
      expect(error).toBeInstanceOf(InputError);
    });
  });
}
