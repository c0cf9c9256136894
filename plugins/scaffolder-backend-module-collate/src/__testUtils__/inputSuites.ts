/*
 * Every action's input suite: a valid input and at least 50 malformed variants (fewer where an action takes
 * little), each of which must fail with an InputError before any call. Each action's own test file runs its suite
 * with describeActionInput.
 */
const GUID = '6b0f1c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e';
const CONTAINER = `/subscriptions/${GUID}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/collate/blobServices/default/containers/argo-workflows`;
const PROVIDER =
  'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123';

// Bad values by kind of field.
const DNS_LABEL_BAD = [
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
const DNS_SUBDOMAIN_BAD = [
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
const GUID_BAD = [
  '',
  'not-a-guid',
  '1234',
  GUID.replace(/-/g, ''),
  `{${GUID}}`,
  `${GUID}0`,
  GUID.replace('6', 'g'),
  ' '.repeat(36),
];
const RG_BAD = [
  '',
  'a'.repeat(91),
  'ends.',
  'has space',
  'semi;colon',
  'slash/x',
  'ümlaut*',
  'a#b',
];
const IDENTITY_BAD = [
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
const LOCATION_BAD = [
  '',
  'West Europe',
  'WestEurope',
  'west-europe',
  'w',
  '1westeurope',
  'west_europe',
  'westeurope!',
];
const HTTPS_BAD = [
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
const STORAGE_BAD = [
  '',
  'ab',
  'Collate',
  'collate-artifacts',
  'collate_artifacts',
  'a'.repeat(25),
  'has space',
  'ümlaut',
];
const CONTAINER_BAD = [
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
const BUCKET_BAD = [
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
const ROLE_NAME_BAD = [
  '',
  'a'.repeat(65),
  'has space',
  'slash/x',
  'semi;colon',
  'ümlaut',
  '$(id)',
  'a#b',
];
const POLICY_BAD = [
  '',
  'AmazonS3FullAccess',
  'arn:aws:iam::aws:role/x',
  'arn:aws:s3:::bucket',
  'arn:aws:iam::123:policy/x',
  'arn:aws:iam::aws:policy/',
  'arn:aws:iam::aws:policy/has space',
];
const REGION_BAD = [
  'Europe',
  'eu-west',
  'eu_west_1',
  'EU-WEST-1',
  'euwest1',
  'eu-west-1a',
];
const EKS_BAD = [
  '',
  '-lead',
  'has space',
  'a'.repeat(101),
  'dot.dot',
  'slash/x',
  'ümlaut',
];
const AKS_BAD = [
  '',
  '-lead',
  'trail-',
  'has space',
  'a'.repeat(64),
  'dot.dot',
  'slash/x',
];
const CLUSTER_BAD = ['', 'missing', 'prod', 'AKS-PROD'];

// Hostile strings that no name field of any action accepts.
const HOSTILE = [
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

type Cases = Array<[string, Record<string, unknown>]>;
const vary = (field: string, values: unknown[]): Cases =>
  values.map(v => [`${field}=${JSON.stringify(v)}`, { [field]: v }]);

/** An action's input suite: a valid input, and malformed variants of it that must each be refused. */
export interface InputSuite {
  valid: Record<string, unknown>;
  cases: Cases;
  /** At least this many malformed inputs (50 unless said). */
  minCases?: number;
}

/** The entity a catalog registration's valid input holds. */
export const CATALOG_SYSTEM = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'collate-prod',
    annotations: { 'collate.io/component': 'server' },
  },
  spec: { owner: 'group:default/platform-team' },
};

/** The decommission actions of one Azure resource group. */
const AZURE_DECOMMISSION: InputSuite = {
  valid: { deployment: 'collate-prod', resourceGroup: 'collate-rg' },
  cases: [
    ...vary('deployment', [undefined, ...DNS_LABEL_BAD]),
    ...vary('deployment', HOSTILE),
    ...vary('resourceGroup', RG_BAD),
    ...vary('subscriptionId', GUID_BAD),
  ],
};

/** The decommission actions of one AWS account and region. */
const AWS_DECOMMISSION: InputSuite = {
  valid: { deployment: 'collate-prod', region: 'eu-west-1' },
  minCases: 40,
  cases: [
    ...vary('deployment', [undefined, ...DNS_LABEL_BAD]),
    ...vary('deployment', HOSTILE),
    ...vary('region', REGION_BAD),
  ],
};

/** A Helm release's coordinates, as every release action takes them. */
const RELEASE_CASES: Cases = [
  ...vary('cluster', HOSTILE),
  ...vary('cluster', CLUSTER_BAD),
  ...vary('namespace', DNS_LABEL_BAD),
  ...vary('release', DNS_LABEL_BAD),
];

export const INPUT_SUITES: Record<string, InputSuite> = {
  'collate:runner:register': {
    valid: {
      cluster: 'aks-prod',
      repo: 'https://charts.example.invalid/collate',
      agentId: 'runner-1',
      serverHost: 'https://acme.getcollate.io',
      authToken: 'aaa.bbb.ccc',
    },
    cases: [
      ...vary('cluster', HOSTILE),
      ...vary('namespace', DNS_LABEL_BAD),
      ...vary('agentId', [
        '',
        '-lead',
        'a b',
        'a/b',
        'a;b',
        'ü',
        'a'.repeat(64),
        '$(id)',
      ]),
      ...vary('serverHost', HTTPS_BAD),
      ...vary('authToken', [
        '',
        'not-a-jwt',
        'a.b',
        'a.b.c.d',
        'a b.c.d',
        'Bearer aaa.bbb.ccc',
      ]),
      ['azure-kv without vault', { secretsManager: 'azure-kv' }],
      ...['', 'ab', '1vault', 'vault_name', 'a'.repeat(25)].map(
        (v): [string, Record<string, unknown>] => [
          `azureKeyVault.vaultName=${JSON.stringify(v)}`,
          {
            secretsManager: 'azure-kv',
            azureKeyVault: { vaultName: v, clientId: GUID },
          },
        ],
      ),
      ...GUID_BAD.map((v): [string, Record<string, unknown>] => [
        `azureKeyVault.clientId=${JSON.stringify(v)}`,
        {
          secretsManager: 'azure-kv',
          azureKeyVault: { vaultName: 'acme-kv', clientId: v },
        },
      ]),
      ['no repo and no chart path', { repo: undefined }],
    ],
  },
  'collate:terraform:apply': {
    valid: {
      source: 'metaflow-tools-azure',
      backend: { type: 'azurerm', config: { key: 'metaflow.tfstate' } },
      variables: { org_prefix: 'acme' },
    },
    cases: [
      // Only a name under collate.terraform.allowedSources: never a URL, a path or a module address from the task.
      ...vary('source', [
        'metaflow-tools-aws',
        'https://github.com/outerbounds/metaflow-tools/tree/master/azure/terraform',
        'git::https://github.com/outerbounds/metaflow-tools.git//azure/terraform',
        'git::file:///etc?ref=d24572c0a1610410ff586f1cd87312edc1c34cf1',
        '/etc',
        '../outside',
        './terraform',
        'Metaflow-Tools-Azure',
        '',
      ]),
      ...[
        '',
        'Acme',
        'acme corp',
        'a',
        'a'.repeat(13),
        'acme-corp',
        'acme_corp',
        'ÄCME',
        'acme!',
        '12345678901234',
      ].map((v): [string, Record<string, unknown>] => [
        `variables.org_prefix=${JSON.stringify(v)}`,
        { variables: { org_prefix: v } },
      ]),
      ...['1abc', 'a b', 'a.b', 'a;b', '$x', ''].map(
        (k): [string, Record<string, unknown>] => [
          `variable name ${JSON.stringify(k)}`,
          { variables: { [k]: 'x' } },
        ],
      ),
      ...[
        '',
        'module..infra',
        'module.infra;rm',
        'module infra',
        '-target=x',
        'module.infra]',
      ].map((t): [string, Record<string, unknown>] => [
        `targets=[${JSON.stringify(t)}]`,
        { targets: [t] },
      ]),
      ['local state not allowed', { backend: { type: 'local', config: {} } }],
      ...['Key', 'storage-account', 'a b', '1'].map(
        (k): [string, Record<string, unknown>] => [
          `backend.config key ${JSON.stringify(k)}`,
          { backend: { type: 'azurerm', config: { [k]: 'x' } } },
        ],
      ),
      ...['a\nb', 'a"b'].map((v): [string, Record<string, unknown>] => [
        `backend.config value ${JSON.stringify(v)}`,
        { backend: { type: 'azurerm', config: { key: v } } },
      ]),
      ...vary(
        'directory',
        HOSTILE.filter(
          h =>
            h.startsWith('..') ||
            h.includes('/') ||
            h === 'a'.repeat(300) ||
            h === '*' ||
            h === 'ü' ||
            h === '$(id)' ||
            h === 'a b',
        ),
      ),
      ...vary('timeoutSeconds', [0, 59, 21601, -1, 1.5, '60', null]),
      ...vary('allowLocalState', ['yes', 1]),
      ...vary('targets', ['module.infra', [1], {}]),
    ],
  },
  'collate:aws:ecr:pull-secret': {
    valid: { cluster: 'aks-prod', namespace: 'collate' },
    cases: [
      ...vary('cluster', HOSTILE),
      ...vary('namespace', DNS_LABEL_BAD),
      ...vary('secretName', DNS_SUBDOMAIN_BAD),
      ...vary('registry', [
        '',
        'docker.io',
        '118146679784.dkr.ecr.eu-west-1',
        '11814667978.dkr.ecr.eu-west-1.amazonaws.com',
        '118146679784.dkr.ecr.eu-west.amazonaws.com',
        'https://118146679784.dkr.ecr.eu-west-1.amazonaws.com',
        '118146679784.dkr.ecr.eu-west-1.amazonaws.com/repo',
        'a b',
        'ecr.aws',
        '118146679784.dkr.ecr.EU-WEST-1.amazonaws.com',
      ]),
    ],
  },
  'collate:argo:install': {
    valid: {
      cluster: 'aks-prod',
      cloud: 'azure',
      azure: {
        controllerClientId: GUID,
        serverClientId: GUID,
        storageEndpoint: 'https://collate.blob.core.windows.net/',
        container: 'argo-workflows',
      },
    },
    cases: [
      ...vary('cluster', HOSTILE),
      ...vary('namespace', DNS_LABEL_BAD),
      ...vary('release', DNS_LABEL_BAD),
      ...GUID_BAD.map((v): [string, Record<string, unknown>] => [
        `azure.controllerClientId=${JSON.stringify(v)}`,
        {
          azure: {
            controllerClientId: v,
            serverClientId: GUID,
            storageEndpoint: 'https://collate.blob.core.windows.net/',
            container: 'argo-workflows',
          },
        },
      ]),
      ...[
        'http://collate.blob.core.windows.net/',
        'collate.blob.core.windows.net',
        'https://x/y/z',
        'https://x/Not_An_Account/',
        '',
      ].map((v): [string, Record<string, unknown>] => [
        `azure.storageEndpoint=${JSON.stringify(v)}`,
        {
          azure: {
            controllerClientId: GUID,
            serverClientId: GUID,
            storageEndpoint: v,
            container: 'argo-workflows',
          },
        },
      ]),
      ['aws without aws', { cloud: 'aws' }],
      ['azure without azure', { azure: undefined }],
      ...['not-an-arn', 'arn:aws:iam::123:role/x'].map(
        (v): [string, Record<string, unknown>] => [
          `aws.controllerRoleArn=${JSON.stringify(v)}`,
          {
            cloud: 'aws',
            aws: {
              controllerRoleArn: v,
              serverRoleArn: 'arn:aws:iam::123456789012:role/s',
              bucket: 'bucket-one',
              region: 'eu-west-1',
            },
          },
        ],
      ),
    ],
  },
  'collate:deploy': {
    valid: {
      cluster: 'aks-prod',
      cloud: 'aws',
      aws: {
        serverRoleArn: 'arn:aws:iam::123456789012:role/collate-server-role',
        bucket: 'collate-assets',
        region: 'eu-west-1',
      },
      search: {
        host: 'opensearch',
        port: 9200,
        scheme: 'http',
        searchType: 'opensearch',
      },
      database: {
        engine: 'postgresql',
        host: 'postgres',
        port: 5432,
        user: 'collate',
      },
    },
    cases: [
      ...vary('cluster', HOSTILE),
      ...vary('namespace', DNS_LABEL_BAD),
      ...vary('argoServerUrl', [
        '',
        'argo:2746',
        'ftp://argo',
        'http://argo/x',
        'http://a b',
      ]),
      ...vary('imageTag', ['', 'a b', 'a:b', 't'.repeat(129)]),
      ...['', 'a b', 'a/b', 'a;b'].map(
        (h): [string, Record<string, unknown>] => [
          `search.host=${JSON.stringify(h)}`,
          {
            search: {
              host: h,
              port: 9200,
              scheme: 'http',
              searchType: 'opensearch',
            },
          },
        ],
      ),
      ...['', 'a b', 'a;b'].map((h): [string, Record<string, unknown>] => [
        `database.host=${JSON.stringify(h)}`,
        {
          database: { engine: 'postgresql', host: h, port: 5432, user: 'u' },
        },
      ]),
      ...['NOT_IN_TABLE', 'ARGO_TOKEN', 'argo_namespace', 'PATH'].map(
        (k): [string, Record<string, unknown>] => [
          `env.${k}`,
          { env: { [k]: 'x' } },
        ],
      ),
    ],
  },
  'collate:azure:identity:create': {
    valid: {
      resourceGroup: 'collate-rg',
      name: 'collate-ingestion',
      location: 'westeurope',
    },
    cases: [
      ...vary('name', HOSTILE),
      ...vary('resourceGroup', RG_BAD),
      ...vary('name', IDENTITY_BAD),
      ...vary('location', LOCATION_BAD),
      ...vary('subscriptionId', GUID_BAD),
    ],
  },
  'collate:azure:identity:federate': {
    valid: {
      resourceGroup: 'collate-rg',
      identityName: 'collate-ingestion',
      name: 'collate-application',
      issuer: 'https://westeurope.oic.prod-aks.azure.com/t/i/',
      namespace: 'collate',
      serviceAccount: 'om-role',
    },
    cases: [
      ...vary('identityName', HOSTILE),
      ...vary('resourceGroup', RG_BAD),
      ...vary('identityName', IDENTITY_BAD),
      ...vary('name', IDENTITY_BAD.slice(0, 6)),
      ...vary('issuer', HTTPS_BAD),
      ...vary('namespace', DNS_LABEL_BAD),
      ...vary('serviceAccount', DNS_SUBDOMAIN_BAD.slice(0, 6)),
      ...vary('audience', ['', 'a'.repeat(601)]),
    ],
  },
  'collate:azure:role:assign': {
    valid: {
      scope: CONTAINER,
      principalId: GUID,
      role: 'Storage Blob Data Reader',
    },
    cases: [
      ...vary('principalId', HOSTILE),
      ...vary('scope', [
        '',
        'containers/argo',
        '/subscriptions/not-a-guid/resourceGroups/rg',
        `${CONTAINER}/`,
        `/Subscriptions ${GUID}`,
        `${CONTAINER} x`,
        'https://management.azure.com/x',
        '/resourceGroups/rg',
      ]),
      ...vary('principalId', GUID_BAD),
      ...vary('role', ['', '   ']),
      ...vary('principalType', ['servicePrincipal', 'App', '']).map(
        ([n, o]): [string, Record<string, unknown>] => [n, o],
      ),
      ...vary('principalId', [
        'x'.repeat(36),
        '00000000_0000_0000_0000_000000000000',
        `${GUID} `,
        ` ${GUID}`,
        GUID.slice(1),
        `${GUID}-1`,
        '0',
        'null',
        'undefined',
        '[]',
        '{}',
        '-',
        '--',
        GUID.toUpperCase().replace('A', 'Z'),
        `${GUID.slice(0, 35)}`,
        `${GUID.slice(0, 8)}${GUID.slice(9)}`,
        'g'.repeat(32),
      ]),
      ...vary('scope', [
        '/subscriptions/',
        'subscriptions/x',
        '//',
        ' ',
        `/subscriptions/${GUID}//x`,
        `/subscriptions/${GUID}\n`,
        'x',
      ]),
    ],
  },
  'collate:azure:storage:ensure': {
    valid: {
      resourceGroup: 'collate-rg',
      accountName: 'collate',
      location: 'westeurope',
    },
    cases: [
      ...vary('accountName', HOSTILE),
      ...vary('resourceGroup', RG_BAD),
      ...vary('accountName', STORAGE_BAD),
      ...vary('location', LOCATION_BAD),
      ...vary('containerName', CONTAINER_BAD),
      ...vary('subscriptionId', GUID_BAD),
      ...vary('sku', ['Basic', 'standard_lrs', '']),
    ],
  },
  'collate:azure:aks:workload-identity': {
    valid: { resourceGroup: 'collate-rg', clusterName: 'collate-aks' },
    cases: [
      ...vary('clusterName', HOSTILE),
      ...vary('resourceGroup', RG_BAD),
      ...vary('clusterName', AKS_BAD),
      ...vary('subscriptionId', GUID_BAD),
      ...vary('resourceGroup', ['a'.repeat(100), '(x).', 'tab\t', 'q?', 'a"b']),
      ...vary('clusterName', [
        'a b',
        'ü',
        'a.b.c',
        '$x',
        '%',
        'a'.repeat(70),
        '_',
        '-',
        'x-',
        '-x',
        'a/b',
        'a\\b',
        'a:b',
        'a@b',
        'a+b',
        'a=b',
        'a,b',
        'a;b',
        'a|b',
        'a&b',
        'a*b',
      ]),
    ],
  },
  'collate:aws:eks:oidc-provider': {
    valid: { clusterName: 'collate-eks', region: 'eu-west-1' },
    cases: [
      ...vary('clusterName', HOSTILE),
      ...vary('clusterName', EKS_BAD),
      ...vary('region', REGION_BAD),
      ...vary('clusterName', [
        '_lead',
        'a/b',
        'a b',
        'a:b',
        'a;b',
        'a@b',
        'a+b',
        'a=b',
        'a,b',
        'a*b',
        'a"b',
        "a'b",
        'a`b',
        'a~b',
        'a!b',
        'a#b',
        'a$b',
        'a%b',
        'a^b',
        'a&b',
        'a(b',
        'a)b',
        'a[b',
        'a]b',
        'a{b',
        'a}b',
        'a<b',
        'a>b',
        'a?b',
        'a|b',
        'a\\b',
        'tab\tx',
        'nl\nx',
        'ü',
        '\u0000',
      ]),
      ...vary('region', [
        'us-east',
        'useast1',
        '1-east-1',
        'us-east-one',
        'us--east-1',
        'us-east-1-',
        '',
      ]),
    ],
  },
  'collate:aws:iam:service-account-role': {
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
  },
  'collate:aws:s3:ensure-bucket': {
    valid: {
      bucket: 'collate-argo-artifacts-eu-west-1',
      region: 'eu-west-1',
    },
    cases: [
      ...vary('bucket', HOSTILE),
      ...vary('bucket', BUCKET_BAD),
      ...vary('region', REGION_BAD),
      ...vary('bucket', [
        'a_b',
        'a b',
        'A',
        'ab',
        '.ab',
        'ab.',
        'a-.b',
        'a/b',
        'a:b',
        'ü'.repeat(3),
        'a'.repeat(100),
        '1.2.3.4',
        'xn--abc',
        'abc-s3alias',
        'a;b',
        'a*b',
        'a?b',
        'a#b',
        'a%b',
        'a!b',
        'a"b',
        'a\\b',
        'a|b',
        'a~b',
        'a+b',
        'a=b',
        'a,b',
        'a@b',
        'a$b',
        'a&b',
        'tab\tx',
        'nl\nx',
      ]),
    ],
  },
  'collate:kubernetes:apply': {
    valid: {
      cluster: 'aks-prod',
      manifests: [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'collate' },
        },
      ],
    },
    cases: [
      ...vary('cluster', HOSTILE),
      ...vary('cluster', CLUSTER_BAD),
      ...vary(
        'namespace',
        DNS_LABEL_BAD.filter(v => v !== ''),
      ),
      ...([
        ['no manifests or yaml', { manifests: [], yaml: '' }],
        ['manifest not an object', { manifests: ['x'] }],
        ['manifest array', { manifests: [[]] }],
        [
          'manifest without kind',
          { manifests: [{ apiVersion: 'v1', metadata: { name: 'x' } }] },
        ],
        [
          'manifest without apiVersion',
          { manifests: [{ kind: 'Namespace', metadata: { name: 'x' } }] },
        ],
        [
          'manifest without name',
          {
            manifests: [{ apiVersion: 'v1', kind: 'Namespace', metadata: {} }],
          },
        ],
        [
          'manifest without metadata',
          { manifests: [{ apiVersion: 'v1', kind: 'Namespace' }] },
        ],
        [
          'bad object name',
          {
            manifests: [
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: { name: 'Bad_Name' },
              },
            ],
          },
        ],
        [
          'long object name',
          {
            manifests: [
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: { name: 'a'.repeat(254) },
              },
            ],
          },
        ],
        [
          'bad object namespace',
          {
            manifests: [
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: { name: 'x', namespace: 'Bad' },
              },
            ],
          },
        ],
        [
          'numeric apiVersion',
          {
            manifests: [
              { apiVersion: 1, kind: 'ConfigMap', metadata: { name: 'x' } },
            ],
          },
        ],
        ['unparsable yaml', { manifests: undefined, yaml: 'kind: [unclosed' }],
        ['yaml scalar', { manifests: undefined, yaml: 'just a string' }],
        [
          'yaml without name',
          {
            manifests: undefined,
            yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n',
          },
        ],
        [
          'second yaml document bad',
          {
            manifests: undefined,
            yaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\nkind: x\n',
          },
        ],
      ] as Cases),
    ],
  },
  'collate:kubernetes:prepare': {
    valid: { cluster: 'aks-prod', cloud: 'azure', azureClientId: GUID },
    cases: [
      ...vary('namespace', HOSTILE),
      ...vary('cluster', CLUSTER_BAD),
      ...vary('namespace', DNS_LABEL_BAD),
      ...vary('serviceAccount', DNS_SUBDOMAIN_BAD),
      ...vary('azureClientId', GUID_BAD),
      ...vary('databaseSecretName', DNS_SUBDOMAIN_BAD.slice(1, 6)),
      ...vary('databaseSecretKey', [
        'has space',
        'a/b',
        'a:b',
        'k'.repeat(254),
      ]),
      ['aws without role', { cloud: 'aws', azureClientId: undefined }],
    ],
  },
  'collate:preflight': {
    valid: { cluster: 'aks-prod' },
    cases: [
      ...vary('cluster', HOSTILE),
      ...vary('cluster', CLUSTER_BAD),
      ...RG_BAD.map((rg): [string, Record<string, unknown>] => [
        `azure.resourceGroup=${JSON.stringify(rg)}`,
        { azure: { resourceGroup: rg, clusterName: 'aks' } },
      ]),
      ...AKS_BAD.map((c): [string, Record<string, unknown>] => [
        `azure.clusterName=${JSON.stringify(c)}`,
        { azure: { resourceGroup: 'rg', clusterName: c } },
      ]),
      ...EKS_BAD.map((c): [string, Record<string, unknown>] => [
        `aws.clusterName=${JSON.stringify(c)}`,
        { aws: { clusterName: c } },
      ]),
      ...[
        '',
        'has space',
        'a/b',
        'a;b',
        'a:b',
        'ü',
        'a@b',
        'a b c',
        '$(id)',
        'a|b',
        'a*b',
        'http://x',
        'a?b',
        'a#b',
        'a%b',
        'a!b',
        'a"b',
        'a\\b',
        'a,b',
        'tab\tx',
        'nl\nx',
        'a&b',
        'a=b',
        'a+b',
      ].map((h): [string, Record<string, unknown>] => [
        `database.host=${JSON.stringify(h)}`,
        {
          database: { engine: 'postgresql', host: h, port: 5432, user: 'u' },
        },
      ]),
    ],
  },
  'collate:azure:identity:delete': AZURE_DECOMMISSION,
  'collate:azure:role:delete-assignments': AZURE_DECOMMISSION,
  'collate:azure:storage:delete': AZURE_DECOMMISSION,
  'collate:aws:eks:delete-oidc-provider': AWS_DECOMMISSION,
  'collate:aws:iam:delete-roles': AWS_DECOMMISSION,
  'collate:aws:s3:delete-bucket': AWS_DECOMMISSION,
  'collate:kubernetes:delete': {
    valid: {
      cluster: 'aks-prod',
      namespaces: ['collate', 'argo-workflows'],
      deployment: 'collate-prod',
    },
    cases: [
      ...vary('cluster', HOSTILE),
      ...vary('cluster', CLUSTER_BAD),
      ...DNS_LABEL_BAD.map((ns): Cases[number] => [
        `namespaces=[collate, ${JSON.stringify(ns)}]`,
        { namespaces: ['collate', ns] },
      ]),
      ...vary('deployment', [undefined, ...DNS_LABEL_BAD]),
    ],
  },
  'collate:helm:uninstall': {
    valid: {
      cluster: 'aks-prod',
      namespace: 'collate',
      release: 'openmetadata',
      deployment: 'collate-prod',
    },
    cases: [
      ...RELEASE_CASES,
      ...vary('deployment', [undefined, ...DNS_LABEL_BAD]),
    ],
  },
  'collate:upgrade': {
    valid: {
      cluster: 'aks-prod',
      namespace: 'collate',
      release: 'openmetadata',
      chart: 'openmetadata',
      repo: 'https://helm.open-metadata.org',
      version: '1.12.4',
    },
    cases: [
      ...RELEASE_CASES,
      ...vary('deployment', DNS_LABEL_BAD),
      // The image names another OpenMetadata version than the chart: they move together.
      ...vary('imageTag', ['om-1.11.0-cl-1.11.0', '1.12.3']),
    ],
  },
  'collate:reindex': {
    valid: { serverUrl: 'http://openmetadata.collate:8585' },
    minCases: 25,
    cases: [
      ...vary('serverUrl', HOSTILE),
      // Well-formed, but not under collate.servers: refused before any call.
      ...vary('serverUrl', [
        'http://unlisted.example:8585',
        'https://other:443',
      ]),
      ...vary('unlessSucceededSince', [
        'yesterday',
        '2026-13-01T00:00:00Z',
        '12/05/2026',
      ]),
    ],
  },
  'collate:catalog:register': {
    valid: { name: 'collate-prod', entities: [CATALOG_SYSTEM] },
    minCases: 30,
    cases: [...vary('name', DNS_LABEL_BAD), ...vary('name', HOSTILE)],
  },
  'collate:catalog:unregister': {
    valid: { name: 'collate-prod' },
    minCases: 30,
    cases: [...vary('name', DNS_LABEL_BAD), ...vary('name', HOSTILE)],
  },
  'collate:catalog:annotate': {
    valid: {
      name: 'collate-prod',
      annotations: { 'collate.io/server-chart-version': '1.12.4' },
    },
    minCases: 30,
    cases: [
      ...vary('name', DNS_LABEL_BAD),
      ...vary('name', HOSTILE),
      ...vary('annotations', [
        {},
        { 'backstage.io/owner': 'x' },
        { 'collate.io/token': 'password: hunter2' },
        {
          'collate.io/x':
            'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJpbmdlc3Rpb24tYm90In0.c2lnbmF0dXJl',
        },
      ]),
    ],
  },
};
