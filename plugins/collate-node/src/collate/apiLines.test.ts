import { collateApiLineOf, lastPipelineRun } from './apiLines';

describe('Collate API lines', () => {
  it.each([
    ['1.12.3', '1.12'],
    ['1.13.6', '1.13'],
    ['2.0.7', '2.0'],
    ['2.0.0-SNAPSHOT', '2.0'],
    ['1.11.14', undefined],
    ['2.1.0', undefined],
    ['3.0', undefined],
    ['', undefined],
  ])('reads %s as line %s', (version, line) => {
    expect(collateApiLineOf(version)).toBe(line);
  });

  it('takes the last run as the line defines pipelineStatuses', () => {
    const old = { pipelineState: 'success', startDate: 1 };
    const newest = { pipelineState: 'failed', startDate: 3 };
    expect(lastPipelineRun('1.12', newest)).toBe(newest);
    expect(lastPipelineRun('1.13', undefined)).toBeUndefined();
    // 2.0: a list, the newest by its start whatever the order.
    expect(lastPipelineRun('2.0', [old, newest])).toBe(newest);
    expect(lastPipelineRun('2.0', [newest, old])).toBe(newest);
    expect(lastPipelineRun('2.0', [])).toBeUndefined();
  });

  it('refuses a shape the line does not define instead of guessing', () => {
    expect(() => lastPipelineRun('2.0', { pipelineState: 'success' })).toThrow(
      'Collate 2.0 answered pipelineStatuses as object, not the list its schema defines',
    );
    expect(() =>
      lastPipelineRun('1.12', [{ pipelineState: 'success' }]),
    ).toThrow(
      'Collate 1.12 answered pipelineStatuses as a list, not the last run its schema defines',
    );
  });
});
