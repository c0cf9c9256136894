import { resolve as resolvePath } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { Client } from 'pg';
import request from 'supertest';
import { postgresConnection } from './testenv';

const repoCatalogFile = resolvePath(__dirname, '../../../../catalog-info.yaml');

async function eventually<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`not reached in ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('catalog on a real PostgreSQL', () => {
  const connection = postgresConnection();
  // Each run gets its own databases, so runs never see each other's rows.
  const prefix = `it_${randomBytes(4).toString('hex')}_`;

  afterAll(async () => {
    const admin = new Client({ ...connection, database: 'postgres' });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname LIKE $1',
        [`${prefix}%`],
      );
      for (const { datname } of rows) {
        await admin.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
      }
    } finally {
      await admin.end();
    }
  });

  it('ingests the repository catalog into Postgres and serves it', async () => {
    const { server } = await startTestBackend({
      features: [
        databaseServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: { client: 'pg', connection, prefix },
            },
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [
                {
                  allow: [
                    'Component',
                    'System',
                    'Resource',
                    'Location',
                    'Group',
                    'User',
                    'Template',
                  ],
                },
              ],
              locations: [{ type: 'file', target: repoCatalogFile }],
            },
          },
        }),
        catalogPlugin,
      ],
    });

    const components = await eventually(async () => {
      const res = await request(server)
        .get('/api/catalog/entities/by-query')
        .query({
          filter: 'spec.system=collate-demo',
          fields: 'kind,metadata.name',
        });
      expect(res.status).toBe(200);
      return res.body.items.length >= 6 ? res.body.items : undefined;
    }, 60_000);

    expect(
      components
        .map(
          (e: { kind: string; metadata: { name: string } }) =>
            `${e.kind}:${e.metadata.name}`,
        )
        .sort(),
    ).toEqual([
      'Component:collate-demo-argo',
      'Component:collate-demo-ingestion',
      'Component:collate-demo-runner',
      'Component:collate-demo-server',
      'Resource:collate-demo-database',
      'Resource:collate-demo-search',
    ]);

    // The rows are really in Postgres, in this run's catalog database.
    const db = new Client({ ...connection, database: `${prefix}catalog` });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM final_entities WHERE final_entity LIKE '%collate-demo%'",
      );
      expect(Number(rows[0].n)).toBeGreaterThanOrEqual(7);
    } finally {
      await db.end();
    }
  });
});
