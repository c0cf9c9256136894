import { COLLATE_API_LINES, collateApiLineOf } from './apiLines';

const lineOf = (version: string) =>
  version.trim().replace(/^v/, '').split(/[.-]/).slice(0, 2).join('.');

/**
 * Why the Collate server cannot move from chart version `from` to `to` in one upgrade, or undefined when it can.
 * A deployment moves one release line at a time (1.12 → 1.13 → 2.0), so that each line's database migrations and the
 * reindex after them run, and are checked, in order; and only to a line this plugin set reads
 * ({@link COLLATE_API_LINES}), whose answers its cards and actions understand. A release on an older line may move
 * to the first supported one. The sentence says what to do first.
 * @public
 */
export function collateUpgradeRefusal(
  from: string,
  to: string,
): string | undefined {
  const lines: readonly string[] = COLLATE_API_LINES;
  const toLine = collateApiLineOf(to);
  if (!toLine)
    return `OpenMetadata ${lineOf(
      to,
    )} is not a line this plugin set reads (${lines.join(
      ', ',
    )}): its cards and actions would not understand the server's answers. Choose a version of ${
      lines[lines.length - 1]
    } or an earlier supported line`;
  const fromLine = collateApiLineOf(from);
  const fromIndex = fromLine ? lines.indexOf(fromLine) : -1;
  const toIndex = lines.indexOf(toLine);
  if (toIndex - fromIndex <= 1) return undefined;
  const next = lines[fromIndex + 1];
  const skipped = lines.slice(fromIndex + 1, toIndex);
  return `${to} skips the ${skipped.join(' and ')} line${
    skipped.length > 1 ? 's' : ''
  }: upgrade to the newest ${next}.x first (a deployment moves one line at a time, so each line's database migrations and reindex run in order), then to ${to}`;
}
