import {
  describeActionInput,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:terraform:apply', {
  valid: {
    directory: '.',
    backend: { type: 'azurerm', config: { key: 'metaflow.tfstate' } },
    variables: { org_prefix: 'acme' },
  },
  cases: [
    ...vary('directory', [
      '/etc',
      '../outside',
      '../../x',
      'missing-dir',
      'a/../../b',
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
});
