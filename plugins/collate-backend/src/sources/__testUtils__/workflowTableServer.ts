import type { KubeHttp } from '../kubeHttp';
import { PHASE_LABEL } from '../workflowTable';

/** A Workflow as the fake server holds it: name, `status.phase` (and its label; '' for none yet), Age text. */
export type Row = [name: string, phase: string, age: string];

/**
 * Answers Workflow lists as the API server does for the Table of the Workflow CRD (its printer columns, without
 * objects), in pages of `limit` with continue tokens, selected by the phase label (`=` or `!=`, which also matches a
 * workflow without the label). Each list answers the resourceVersion `resourceVersion` gives for its selector
 * (default 4242). Records every URL asked.
 */
export function workflowTableServer(
  rows: Row[],
  resourceVersion: (labelSelector: string | null) => string = () => '4242',
) {
  const asked: URL[] = [];
  const http = {
    get: async (path: string) => {
      const url = new URL(path, 'https://api.invalid');
      asked.push(url);
      const selector = url.searchParams.get('labelSelector');
      const selected = rows.filter(row => matches(selector, row));
      const limit = Number(url.searchParams.get('limit') ?? selected.length);
      const from = Number(url.searchParams.get('continue') ?? 0);
      const next = from + limit < selected.length ? String(from + limit) : '';
      return {
        metadata: {
          resourceVersion: resourceVersion(selector),
          ...(next ? { continue: next } : {}),
        },
        columnDefinitions: [
          { name: 'Name' },
          { name: 'Status' },
          { name: 'Age' },
        ],
        rows: selected.slice(from, from + limit).map(cells => ({ cells })),
      };
    },
  } as unknown as KubeHttp;
  return { http, asked };
}

function matches(selector: string | null, [, phase]: Row): boolean {
  if (!selector) return true;
  const [, key, op, value] = /^([^!=]+)(!=|=)(.*)$/.exec(selector) ?? [];
  if (key !== PHASE_LABEL) {
    throw new Error(`the fake API server selects by ${PHASE_LABEL} only`);
  }
  return op === '=' ? phase === value : phase !== value;
}
