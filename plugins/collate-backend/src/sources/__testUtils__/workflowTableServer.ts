import type { KubeHttp } from '../kubeHttp';

/** A Workflow as the fake server holds it: name, `status.phase`, Age text. */
export type Row = [name: string, phase: string, age: string];

/**
 * Answers Workflow lists as the API server does for the Table of the Workflow CRD (its printer columns, without
 * objects), in pages of `limit` with continue tokens. Records every URL asked.
 */
export function workflowTableServer(rows: Row[]) {
  const asked: URL[] = [];
  const http = {
    get: async (path: string) => {
      const url = new URL(path, 'https://api.invalid');
      asked.push(url);
      const limit = Number(url.searchParams.get('limit') ?? rows.length);
      const from = Number(url.searchParams.get('continue') ?? 0);
      const next = from + limit < rows.length ? String(from + limit) : '';
      return {
        metadata: {
          resourceVersion: '4242',
          ...(next ? { continue: next } : {}),
        },
        columnDefinitions: [
          { name: 'Name' },
          { name: 'Status' },
          { name: 'Age' },
        ],
        rows: rows.slice(from, from + limit).map(cells => ({ cells })),
      };
    },
  } as unknown as KubeHttp;
  return { http, asked };
}
