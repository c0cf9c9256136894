import { describeActionInput } from '../../__testUtils__/actionInput';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { actionContext } from '../../__testUtils__/context';
import {
  collatePreparationObjects,
  createCollateKubernetesPrepareAction,
  OM_ARGO_ROLE_RULES,
} from './prepare';
import { clusterOptions } from '../../__testUtils__/clusters';

// A cluster no request can reach: input errors must come before any call.
const config = new ConfigReader({
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'unreachable',
            url: 'https://127.0.0.1:1',
            authProvider: 'serviceAccount',
            serviceAccountToken: 't',
          },
        ],
      },
    ],
  },
});
const action = createCollateKubernetesPrepareAction(clusterOptions(config));
const valid = {
  cluster: 'unreachable',
  namespace: 'collate',
  serviceAccount: 'om-role',
  cloud: 'azure',
  azureClientId: '6b0f1c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e',
  databaseSecretName: 'db-credentials',
  databaseSecretKey: 'password',
  searchSecretName: 'es-credentials',
  searchSecretKey: 'password',
};

describe('collate:kubernetes:prepare', () => {
  it("builds the guide's objects", () => {
    const objects = collatePreparationObjects({
      ...valid,
      cloud: 'aws',
      awsRoleArn: 'arn:aws:iam::123456789012:role/collate-ingestion-role',
      databasePassword: 'x',
    } as never);
    expect(objects.map(o => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'Namespace/collate',
      'ServiceAccount/om-role',
      'Secret/om-role.service-account-token',
      'Role/om-argo-role',
      'RoleBinding/om-argo-role-binding',
      'Secret/db-credentials',
    ]);
    expect(objects[1].metadata?.annotations).toEqual({
      'eks.amazonaws.com/role-arn':
        'arn:aws:iam::123456789012:role/collate-ingestion-role',
    });
    expect((objects[3] as never as { rules: unknown }).rules).toEqual(
      OM_ARGO_ROLE_RULES,
    );
    expect(OM_ARGO_ROLE_RULES[3]).toEqual({
      verbs: ['create', 'patch'],
      apiGroups: ['argoproj.io'],
      resources: ['workflowtaskresults'],
    });
  });

  const malformed: Array<[string, Record<string, unknown>]> = [
    ...[
      'Collate',
      'collate_ns',
      '-collate',
      'collate-',
      'a'.repeat(64),
      'col.late',
      '',
      'ns with space',
      'ñs',
      'UPPER',
      'ns.',
      '--',
      'collate\n',
    ].map((namespace): [string, Record<string, unknown>] => [
      `namespace ${JSON.stringify(namespace)}`,
      { namespace },
    ]),
    ...[
      'Om-Role',
      'om_role',
      '-om',
      'om-',
      'a'.repeat(254),
      'om role',
      '',
      'om..role',
      '.om',
      'om.',
    ].map((serviceAccount): [string, Record<string, unknown>] => [
      `serviceAccount ${JSON.stringify(serviceAccount)}`,
      { serviceAccount },
    ]),
    ...[
      'not-a-guid',
      '1234',
      '6b0f1c1e2d3a4b5c8d9e0f1a2b3c4d5e',
      '{6b0f1c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e}',
      '',
      '6b0f1c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5g',
    ].map((azureClientId): [string, Record<string, unknown>] => [
      `azureClientId ${JSON.stringify(azureClientId)}`,
      { azureClientId },
    ]),
    ['azure without client id', { azureClientId: undefined }],
    ...[
      'arn:aws:iam::123:role/x',
      'arn:aws:s3:::bucket',
      'arn:aws:iam::123456789012:user/x',
      'role/collate',
      'arn:aws:iam::123456789012:role/',
      '',
    ].map((awsRoleArn): [string, Record<string, unknown>] => [
      `awsRoleArn ${JSON.stringify(awsRoleArn)}`,
      { cloud: 'aws', awsRoleArn },
    ]),
    ['aws without role', { cloud: 'aws', azureClientId: undefined }],
    ...['DB_Credentials', 'db credentials', '-db', ''].map(
      (databaseSecretName): [string, Record<string, unknown>] => [
        `databaseSecretName ${JSON.stringify(databaseSecretName)}`,
        { databaseSecretName },
      ],
    ),
    ...['pass word', 'pass/word', '', 'p'.repeat(254)].map(
      (databaseSecretKey): [string, Record<string, unknown>] => [
        `databaseSecretKey ${JSON.stringify(databaseSecretKey)}`,
        { databaseSecretKey },
      ],
    ),
    ...['ES Credentials', 'es_credentials'].map(
      (searchSecretName): [string, Record<string, unknown>] => [
        `searchSecretName ${JSON.stringify(searchSecretName)}`,
        { searchSecretName },
      ],
    ),
    ...['search key', 'a:b'].map(
      (searchSecretKey): [string, Record<string, unknown>] => [
        `searchSecretKey ${JSON.stringify(searchSecretKey)}`,
        { searchSecretKey },
      ],
    ),
    ...['missing-cluster', 'prod', ''].map(
      (cluster): [string, Record<string, unknown>] => [
        `cluster ${JSON.stringify(cluster)}`,
        { cluster },
      ],
    ),
  ];

  it('has at least 50 malformed inputs to reject', () => {
    expect(malformed.length).toBeGreaterThanOrEqual(50);
  });

  it.each(malformed)(
    'rejects %s with an InputError before any call',
    async (_name, override) => {
      const { ctx } = actionContext({ ...valid, ...override } as never);
      const started = Date.now();
      await expect(action.handler(ctx as never)).rejects.toBeInstanceOf(
        InputError,
      );
      // An attempted call to 127.0.0.1:1 would fail with a connection error instead.
      expect(Date.now() - started).toBeLessThan(1000);
    },
  );
});

describeActionInput('collate:kubernetes:prepare');
