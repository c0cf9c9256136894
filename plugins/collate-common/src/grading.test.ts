import { pipelineHealth } from './grading';

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
