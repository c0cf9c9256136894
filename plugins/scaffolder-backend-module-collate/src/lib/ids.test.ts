import { KeyedMutex, uuidV5 } from './ids';

describe('uuidV5', () => {
  it('matches the RFC 4122 test vector', () => {
    // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org'))"
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });
});

describe('KeyedMutex', () => {
  it('runs work for one key one at a time, other keys in parallel', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const job = (key: string, id: string, ms: number) =>
      mutex.run(key, async () => {
        events.push(`start ${id}`);
        await new Promise(r => setTimeout(r, ms));
        events.push(`end ${id}`);
      });
    await Promise.all([
      job('a', 'a1', 30),
      job('a', 'a2', 5),
      job('b', 'b1', 5),
    ]);
    expect(events.indexOf('end a1')).toBeLessThan(events.indexOf('start a2'));
    expect(events.indexOf('start b1')).toBeLessThan(events.indexOf('end a1'));
  });
});
