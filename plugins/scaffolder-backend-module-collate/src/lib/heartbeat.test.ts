import { mockServices } from '@backstage/backend-test-utils';
import { startHeartbeat } from './heartbeat';

describe('startHeartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('says what it awaits after every silence of the interval, and not while output flows', () => {
    const logger = mockServices.logger.mock();
    const beat = startHeartbeat(logger, s => `awaiting pods: ${s} s`, 15_000);
    jest.advanceTimersByTime(14_000);
    expect(logger.info).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1_000);
    expect(logger.info).toHaveBeenLastCalledWith('awaiting pods: 15 s');
    // A streamed line resets the silence.
    jest.advanceTimersByTime(10_000);
    beat.beat();
    jest.advanceTimersByTime(14_000);
    expect(logger.info).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1_000);
    expect(logger.info).toHaveBeenLastCalledWith('awaiting pods: 40 s');
    beat.stop();
    jest.advanceTimersByTime(60_000);
    expect(logger.info).toHaveBeenCalledTimes(2);
  });
});
