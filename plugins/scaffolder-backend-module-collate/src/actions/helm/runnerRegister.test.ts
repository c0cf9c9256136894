import {
  describeActionInput,
  GUID,
  DNS_LABEL_BAD,
  GUID_BAD,
  HTTPS_BAD,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:runner:register', {
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
});
