import { workflowTableServer } from './__testUtils__/workflowTableServer';
import {
  listWorkflowTable,
  parseAge,
  WORKFLOW_LIST_PARTS,
} from './workflowTable';

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

describe('listWorkflowTable in parts', () => {
  const rows: Array<[string, string, string]> = [
    ['ok-1', 'Succeeded', '2h'],
    ['failed', 'Failed', '1h'],
    ['ok-2', 'Succeeded', '50m'],
    ['new', '', '<unknown>'],
    ['running', 'Running', '5m'],
  ];

  it('lists succeeded runs and the rest side by side, and watches from the older resourceVersion', async () => {
    const { http, asked } = workflowTableServer(rows, selector =>
      selector?.includes('!=') ? '10499' : '9876',
    );
    const listed = await listWorkflowTable(http, PATH, {
      ...options(2),
      parts: WORKFLOW_LIST_PARTS,
    });

    // Both first pages are asked before either answers; each part then continues on its own.
    expect(
      asked.map(u => [
        u.searchParams.get('labelSelector'),
        u.searchParams.get('continue'),
      ]),
    ).toEqual([
      ['workflows.argoproj.io/phase=Succeeded', null],
      ['workflows.argoproj.io/phase!=Succeeded', null],
      ['workflows.argoproj.io/phase!=Succeeded', '2'],
    ]);
    expect(listed.rows.map(([name]) => name).sort()).toEqual(
      rows.map(([name]) => name).sort(),
    );
    // As numbers: '9876' is older than '10499', which a comparison of texts would get wrong.
    expect(listed.resourceVersion).toBe('9876');
  });

  it("takes the first part's resourceVersion when they are not numbers", async () => {
    const { http } = workflowTableServer(rows, selector =>
      selector?.includes('!=') ? 'b' : 'a',
    );
    const listed = await listWorkflowTable(http, PATH, {
      ...options(),
      parts: WORKFLOW_LIST_PARTS,
    });
    expect(listed.resourceVersion).toBe('a');
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
