import type { PreflightCheck, PreflightCheckDefinition } from './check';

const SEARCH_SUPPORTED = { opensearch: '3.4', elasticsearch: '9.3.0' };

/** Judges a search engine from its root answer's `version.distribution` and `version.number`. */
export function judgeSearch(
  distribution: string,
  version: string,
): PreflightCheck {
  const kind = distribution === 'opensearch' ? 'opensearch' : 'elasticsearch';
  const supported = SEARCH_SUPPORTED[kind];
  const major = Number(version.split('.')[0]);
  const label = kind === 'opensearch' ? 'OpenSearch' : 'Elasticsearch';
  return major >= Number(supported.split('.')[0])
    ? { name: 'search', status: 'pass', reason: `${label} ${version}` }
    : {
        name: 'search',
        status: 'warn',
        reason: `${label} ${version}; the guides support ${label} ${supported}`,
      };
}

/** The search engine's distribution and version, from its root endpoint. */
export const searchCheck: PreflightCheckDefinition = {
  name: 'search',
  unreachable: 'warn',
  applies: input => Boolean(input.search),
  async run({ input }) {
    const search = input.search!;
    const headers: Record<string, string> = {};
    if (search.username)
      headers.Authorization = `Basic ${Buffer.from(
        `${search.username}:${search.password ?? ''}`,
      ).toString('base64')}`;
    const res = await fetch(search.url, {
      headers,
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok)
      return {
        name: 'search',
        status: 'warn',
        reason: `${search.url} answered HTTP ${res.status}`,
      };
    const body = (await res.json()) as {
      version?: { number?: string; distribution?: string };
    };
    if (!body.version?.number)
      return {
        name: 'search',
        status: 'warn',
        reason: `${search.url} does not look like OpenSearch or Elasticsearch`,
      };
    return judgeSearch(
      body.version.distribution ?? 'elasticsearch',
      body.version.number,
    );
  },
};
