import { HttpError } from '../http.ts';

/**
 * OpenMetadata's list answer `{ data, paging: { total, after } }` with cursor paging (`?limit=&after=`); the cursor
 * is opaque to clients (here, the offset in base64url).
 */
export function pageOf<T>(items: T[], url: URL) {
  const limit = Math.min(
    Math.max(Number(url.searchParams.get('limit') ?? 10), 1),
    1000000,
  );
  const after = url.searchParams.get('after');
  const start = after
    ? Number(Buffer.from(after, 'base64url').toString('utf8'))
    : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new HttpError(400, '400', 'Invalid after cursor');
  const data = items.slice(start, start + limit);
  const next =
    start + limit < items.length
      ? Buffer.from(String(start + limit)).toString('base64url')
      : undefined;
  return {
    data,
    paging: { total: items.length, ...(next ? { after: next } : {}) },
  };
}
