import type { WorkflowPhase } from '@collate-backstage/plugin-collate-common';
import { type KubeHttp, TABLE } from './kubeHttp';

/** What the index keeps of a Workflow: name, phase and when it started; never its spec or status. */
export interface IndexedWorkflow {
  name: string;
  /** When it started (epoch ms), from the Age column: exact to its display unit. */
  started: number;
  phase: WorkflowPhase;
}

/** The API server's Table rendering (`kubectl get`), without objects: the Workflow CRD's printer columns. */
export interface Table {
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions?: Array<{ name: string }> | null;
  rows?: Array<{ cells: unknown[] }>;
  /** Set on watch ERROR events (a Status object). */
  code?: number;
}

/** Where the Workflow CRD's printer columns are in a row. */
export interface Columns {
  name: number;
  status: number;
  age: number;
}

const PHASES: ReadonlySet<string> = new Set([
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Error',
]);

/** The columns of a Table, or undefined when it names none (watch events after the first carry none). */
export function columnsOf(table: Table): Columns | undefined {
  const defs = table.columnDefinitions;
  if (!defs?.length) return undefined;
  const index = (name: string) => defs.findIndex(d => d.name === name);
  // The Workflow CRD's printer columns; without them only names are known.
  return {
    name: Math.max(index('Name'), 0),
    status: index('Status'),
    age: index('Age'),
  };
}

/** One Table row as the index keeps it; undefined for a row without a name. */
export function indexedWorkflow(
  cells: unknown[],
  columns: Columns | undefined,
  now: number,
): IndexedWorkflow | undefined {
  const name = cells[columns?.name ?? 0];
  if (typeof name !== 'string') return undefined;
  const status =
    columns && columns.status >= 0 ? cells[columns.status] : undefined;
  const age = columns && columns.age >= 0 ? cells[columns.age] : undefined;
  const ageMs = typeof age === 'string' ? parseAgeCached(age) : undefined;
  return {
    name,
    // Not started yet (no Age): as new as it gets.
    started: ageMs === undefined ? now : now - ageMs,
    phase:
      typeof status === 'string' && PHASES.has(status)
        ? (status as WorkflowPhase)
        : 'Unknown',
  };
}

/** A listed namespace of Workflows: the rows, their columns and the resourceVersion to watch from. */
export interface WorkflowList {
  rows: unknown[][];
  columns?: Columns;
  resourceVersion: string;
}

/** The label Argo's controller gives each Workflow with its phase. */
export const PHASE_LABEL = 'workflows.argoproj.io/phase';

/**
 * The parts a namespace's Workflows are listed in, side by side: succeeded runs, and the rest (`!=` also matches a
 * workflow the controller has not labelled yet). On one HTTP/2 connection the second part costs no handshake, and
 * the API server renders the two Tables on two cores. The gain follows the balance of the parts: at 10,000 workflows
 * (API server on this project's 2-core machine) the list took p50 62–94 ms in two parts of 60 % and 40 %, 92–119 ms
 * in parts of 80 % and 20 %, and 100–113 ms whole.
 */
export const WORKFLOW_LIST_PARTS = [
  `${PHASE_LABEL}=Succeeded`,
  `${PHASE_LABEL}!=Succeeded`,
];

/**
 * Lists the Workflows of `path` as Table rows without objects, in `parts` (label selectors) side by side, each page
 * with a signal of its own. A workflow that moved between parts while they were listed may be in both; the index
 * keeps one per name, and the watch, from the oldest part's resourceVersion, replays what changed since.
 */
export async function listWorkflowTable(
  http: KubeHttp,
  path: string,
  options: {
    pageSize: number;
    signal: () => AbortSignal;
    parts?: readonly string[];
  },
): Promise<WorkflowList> {
  const parts = options.parts?.length ? options.parts : [undefined];
  const listed = await Promise.all(
    parts.map(selector => listPart(http, path, selector, options)),
  );
  return {
    rows: listed.flatMap(l => l.rows),
    columns: listed.find(l => l.columns)?.columns,
    resourceVersion: oldest(listed.map(l => l.resourceVersion)),
  };
}

async function listPart(
  http: KubeHttp,
  path: string,
  labelSelector: string | undefined,
  options: { pageSize: number; signal: () => AbortSignal },
): Promise<WorkflowList> {
  const rows: unknown[][] = [];
  let columns: Columns | undefined;
  let token: string | undefined;
  let resourceVersion = '';
  do {
    const query = new URLSearchParams({
      limit: String(options.pageSize),
      includeObject: 'None',
    });
    if (labelSelector) query.set('labelSelector', labelSelector);
    // The first page from the API server's watch cache (resourceVersion 0, as client-go's informers list), never
    // from etcd: a continued list can fall through to etcd and read every object in full (seconds at 10,000
    // workflows where the cache answers in about 100 ms). The watch then brings the index up to date.
    if (token) query.set('continue', token);
    else query.set('resourceVersion', '0');
    const page = await http.get<Table>(`${path}?${query}`, {
      accept: TABLE,
      signal: options.signal(),
    });
    columns = columnsOf(page) ?? columns;
    for (const row of page.rows ?? []) rows.push(row.cells);
    token = page.metadata.continue || undefined;
    resourceVersion = page.metadata.resourceVersion ?? '';
  } while (token);
  return { rows, columns, resourceVersion };
}

/**
 * The oldest of the parts' resourceVersions, to watch from. They are opaque to clients, but every API server on etcd
 * gives etcd's revision, a decimal number; where one is not, the first part's is taken.
 */
function oldest(versions: string[]): string {
  if (!versions.every(v => /^\d+$/.test(v))) return versions[0] ?? '';
  return versions.reduce((a, b) => (BigInt(b) < BigInt(a) ? b : a));
}

const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
};

/** Kubernetes' human durations (`45s`, `5m30s`, `8h`, `3d11h`, `2y45d`) in ms; undefined for `<unknown>`. */
export function parseAge(age: string): number | undefined {
  const parts = [...age.matchAll(/(\d+)([ydhms])/g)];
  if (!parts.length || parts.map(p => p[0]).join('') !== age.trim()) {
    return undefined;
  }
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * UNIT_MS[unit], 0);
}

/**
 * {@link parseAge} remembered per text: a list of thousands of workflows has a few hundred distinct ages, and the
 * parse is most of the cost of indexing a row. Bounded: forgotten wholesale past 4,096 texts.
 */
const parsedAges = new Map<string, number | undefined>();
function parseAgeCached(age: string): number | undefined {
  if (parsedAges.has(age)) return parsedAges.get(age);
  if (parsedAges.size >= 4096) parsedAges.clear();
  const ms = parseAge(age);
  parsedAges.set(age, ms);
  return ms;
}
