import {
  chartDriftHealth,
  helmStateHealth,
  pipelineHealth,
  pullSecretHealth,
  replicaHealth,
  worstHealth,
} from './grading';

describe('pipelineHealth', () => {
  it.each([
    ['success', 'healthy'],
    ['running', 'healthy'],
    ['queued', 'unknown'],
    ['partialSuccess', 'degraded'],
    ['failed', 'degraded'],
    ['somethingNew', 'unknown'],
  ])('grades a latest run %s as %s', (lastState, health) => {
    expect(pipelineHealth({ lastState })).toBe(health);
  });

  it('grades a pipeline without runs as unknown', () => {
    expect(pipelineHealth({})).toBe('unknown');
  });

  it('grades a stale run degraded whatever Collate calls it', () => {
    expect(pipelineHealth({ lastState: 'running', stale: 'for 9 h' })).toBe(
      'degraded',
    );
  });
});

describe('pullSecretHealth', () => {
  const now = Date.parse('2026-12-05T12:00:00Z');
  const at = (minutes: number) =>
    new Date(now + minutes * 60_000).toISOString();

  it('grades a token with more than an hour left healthy', () => {
    expect(pullSecretHealth({ expiresAt: at(61) }, now)).toEqual({
      health: 'healthy',
      msLeft: 61 * 60_000,
    });
  });

  it('grades a token with less than an hour left, or expired, degraded', () => {
    expect(pullSecretHealth({ expiresAt: at(59) }, now).health).toBe(
      'degraded',
    );
    expect(pullSecretHealth({ expiresAt: at(-5) }, now)).toEqual({
      health: 'degraded',
      msLeft: -5 * 60_000,
    });
  });

  it('grades a secret without a readable expiry unknown', () => {
    expect(pullSecretHealth({}, now)).toEqual({ health: 'unknown' });
    expect(pullSecretHealth({ expiresAt: 'soon' }, now)).toEqual({
      health: 'unknown',
    });
  });
});

describe('worstHealth', () => {
  it('takes the worst verdict: unhealthy over unknown over degraded over healthy', () => {
    expect(worstHealth()).toBe('healthy');
    expect(worstHealth('healthy', 'degraded')).toBe('degraded');
    expect(worstHealth('degraded', 'unknown', 'healthy')).toBe('unknown');
    expect(worstHealth('unknown', 'unhealthy', 'degraded')).toBe('unhealthy');
  });
});

describe('replicaHealth', () => {
  it.each([
    [3, 3, 'healthy'],
    [0, 0, 'healthy'],
    [2, 3, 'degraded'],
    [0, 1, 'unhealthy'],
  ])('grades %i of %i ready as %s', (ready, desired, health) => {
    expect(replicaHealth({ ready, desired })).toBe(health);
  });
});

describe('helmStateHealth', () => {
  it.each([
    ['deployed', 'healthy'],
    ['pending-upgrade', 'degraded'],
    ['pending-install', 'degraded'],
    ['failed', 'degraded'],
    ['superseded', 'unknown'],
    [undefined, 'unknown'],
  ])('grades a release %s as %s', (status, health) => {
    expect(helmStateHealth(status)).toBe(health);
  });
});

describe('chartDriftHealth', () => {
  it('is degraded when the chart is not the one the deployment was created with', () => {
    expect(
      chartDriftHealth({ chartVersion: '1.12.4', createdWith: '1.12.3' }),
    ).toBe('degraded');
    expect(
      chartDriftHealth({ chartVersion: '1.12.3', createdWith: '1.12.3' }),
    ).toBe('healthy');
    expect(chartDriftHealth({ chartVersion: '1.12.3' })).toBe('healthy');
    expect(chartDriftHealth({ createdWith: '1.12.3' })).toBe('unknown');
  });
});
