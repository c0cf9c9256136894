import { recordingLogger } from '../__testUtils__/context';
import { redactingLogger, redactText, secretValues } from './redact';

describe('redaction by value', () => {
  const canary = 'canary-7f3c1e9a-"quoted"';
  const secrets = secretValues(
    { ingestionBotToken: canary },
    'AccountKey=s3cr3tK3y==',
  );

  it('replaces each secret wherever it appears, as text or as JSON shows it', () => {
    expect(
      redactText(
        `token ${canary}; diff "${JSON.stringify(canary).slice(
          1,
          -1,
        )}"; conn DefaultEndpointsProtocol=https;AccountKey=s3cr3tK3y==`,
        secrets,
      ),
    ).toBe(
      'token (redacted); diff "(redacted)"; conn DefaultEndpointsProtocol=https;(redacted)',
    );
  });

  it('ignores values too short to be secrets', () => {
    expect(secretValues({ a: 'yes', b: '42' })).toEqual([]);
  });

  it('redacts messages and metadata of every level and child logger', () => {
    const sink = recordingLogger();
    const logger = redactingLogger(sink, secrets);
    logger.info(`installing with ${canary}`, { values: { env: [canary] } });
    logger.child({ token: canary }).warn(`failed: ${canary}`);
    logger.error('AccountKey=s3cr3tK3y== refused');
    const all = sink.lines.join('\n');
    expect(all).not.toContain('canary-7f3c1e9a');
    expect(all).not.toContain('s3cr3tK3y');
    expect(sink.lines).toEqual([
      'info installing with (redacted) {"values":{"env":["(redacted)"]}}',
      'warn failed: (redacted)',
      'error (redacted) refused',
    ]);
  });
});
