import { redactChanges, redactValues } from './redact';

describe('redaction in Helm plans', () => {
  it('redacts secret-looking leaves and keeps secret references readable', () => {
    expect(
      redactValues({
        config: {
          authToken: 'eyJ.x.y',
          agentId: 'a',
          authTokenSecret: { name: 'runner-auth', key: 'token' },
        },
        db: {
          password: { secretRef: 'db-credentials', secretKey: 'password' },
          clientSecret: 's3cr3t',
        },
      }),
    ).toEqual({
      config: {
        authToken: '(redacted)',
        agentId: 'a',
        authTokenSecret: { name: 'runner-auth', key: 'token' },
      },
      db: {
        password: { secretRef: 'db-credentials', secretKey: 'password' },
        clientSecret: '(redacted)',
      },
    });
    expect(
      redactChanges({
        'config.authToken': { current: 'a', desired: 'b' },
        'server.replicas': { current: 1, desired: 2 },
      }),
    ).toEqual({
      'config.authToken': { current: '(redacted)', desired: '(redacted)' },
      'server.replicas': { current: 1, desired: 2 },
    });
  });
});
