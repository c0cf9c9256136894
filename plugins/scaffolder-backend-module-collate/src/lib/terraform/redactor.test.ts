import { Redactor } from './redactor';

describe('Redactor', () => {
  it('replaces every occurrence of each value, the longest first, in plain and JSON-escaped form', () => {
    const r = new Redactor();
    r.add(['p@ss"word', 'p@ss', 'abc', 42, null]);
    r.add([{ client_id: 'id-1', secret: 'xyz' }]);
    expect(r.redact('one p@ss"word, two p@ss, three abc')).toBe(
      'one ***, two ***, three abc',
    );
    expect(r.redact('"value": "p@ss\\"word"')).toBe('"value": "***"');
    expect(r.redact('out = {"client_id":"id-1","secret":"xyz"}')).toBe(
      'out = ***',
    );
  });

  it('changes nothing without values', () => {
    expect(new Redactor().redact('plain text')).toBe('plain text');
  });
});
