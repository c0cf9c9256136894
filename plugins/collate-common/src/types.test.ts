import { isAppRunActive } from './types';

describe('isAppRunActive', () => {
  it.each(['started', 'running', 'pending', 'active', 'stopInProgress'])(
    '%s is not over',
    s => expect(isAppRunActive(s)).toBe(true),
  );
  it.each(['success', 'completed', 'failed', 'activeError', 'stopped'])(
    '%s is over',
    s => expect(isAppRunActive(s)).toBe(false),
  );
});
