import { collateUpgradeRefusal } from './upgradePath';

describe('collateUpgradeRefusal', () => {
  it.each([
    ['1.12.3', '1.12.4'],
    ['1.12.3', '1.13.6'],
    ['1.13.6', '2.0.7'],
    ['2.0.1', '2.0.7'],
    // Into support from an older line.
    ['1.11.12', '1.12.3'],
  ])('lets %s move to %s', (from, to) =>
    expect(collateUpgradeRefusal(from, to)).toBeUndefined(),
  );

  it('refuses a skipped line, saying which line to upgrade to first', () => {
    expect(collateUpgradeRefusal('1.12.3', '2.0.7')).toBe(
      "2.0.7 skips the 1.13 line: upgrade to the newest 1.13.x first (a deployment moves one line at a time, so each line's database migrations and reindex run in order), then to 2.0.7",
    );
    expect(collateUpgradeRefusal('1.11.12', '2.0.7')).toMatch(
      /^2\.0\.7 skips the 1\.12 and 1\.13 lines: upgrade to the newest 1\.12\.x first/,
    );
  });

  it('refuses a line the plugin set does not read', () => {
    expect(collateUpgradeRefusal('2.0.7', '2.1.0')).toBe(
      "OpenMetadata 2.1 is not a line this plugin set reads (1.12, 1.13, 2.0): its cards and actions would not understand the server's answers. Choose a version of 2.0 or an earlier supported line",
    );
  });
});
