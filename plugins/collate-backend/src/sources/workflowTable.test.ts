import { workflowTableServer } from './__testUtils__/workflowTableServer';
import { listWorkflowTable, parseAge } from './workflowTable';

const DAY = 24 * 3600_000;
const PATH = '/apis/argoproj.io/v1alpha1/namespaces/ingestion/workflows';
const options = (pageSize = 5000) => ({
  pageSize,
  signal: () => new AbortController().signal,
});

describe('listWorkflowTable', () => {
  const rows: Array<[string, string, string]> = [
    ['ok', 'Succeeded', '2h'],
    ['failed', 'Failed', '1h'],
    ['new', '', '<unknown>'],
  ];

  it("lists its first page from the API server's watch cache and continues without a resourceVersion", async () => {
    const { http, asked } = workflowTableServer(rows);
    const listed = await listWorkflowTable(http, PATH, options(2));

    expect(asked.map(u => u.pathname)).toEqual([PATH, PATH]);
    expect(asked[0].searchParams.get('resourceVersion')).toBe('0');
    expect(asked[0].searchParams.get('includeObject')).toBe('None');
    expect(asked[1].searchParams.get('continue')).toBe('2');
    expect(asked[1].searchParams.has('resourceVersion')).toBe(false);
    expect(listed).toEqual({
      rows,
      columns: { name: 0, status: 1, age: 2 },
      resourceVersion: '4242',
    });
  });
});

describe('parseAge', () => {
  it.each([
    ['45s', 45_000],
    ['5m30s', 330_000],
    ['8h', 8 * 3600_000],
    ['3d11h', 3 * DAY + 11 * 3600_000],
    ['2y45d', 2 * 365 * DAY + 45 * DAY],
  ])('reads %s', (age, ms) => expect(parseAge(age)).toBe(ms));

  it.each(['<unknown>', '', '5x', '3d 11h'])('gives up on %p', age =>
    expect(parseAge(age)).toBeUndefined(),
  );
});
