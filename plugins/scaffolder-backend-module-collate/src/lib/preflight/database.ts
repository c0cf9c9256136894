import { createConnection as createMysqlConnection } from 'mysql2/promise';
import { Client as PgClient } from 'pg';
import type { PreflightCheck, PreflightCheckDefinition } from './check';

const MIN_POSTGRES = 12;
const MIN_MYSQL = [8, 0];

/** Judges a MySQL server from `SELECT VERSION()` and `@@sql_generate_invisible_primary_key`. */
export function judgeMysql(
  version: string,
  gipk: number | string | null,
): PreflightCheck {
  const [major, minor] = version.split(/[.-]/).map(Number);
  if (
    major < MIN_MYSQL[0] ||
    (major === MIN_MYSQL[0] && minor < MIN_MYSQL[1])
  ) {
    return {
      name: 'database',
      status: 'fail',
      reason: `MySQL ${version} is older than the required 8.0`,
    };
  }
  if (
    gipk !== null &&
    gipk !== undefined &&
    String(gipk) !== '0' &&
    String(gipk).toUpperCase() !== 'OFF'
  ) {
    return {
      name: 'database',
      status: 'fail',
      reason: `MySQL ${version} has sql_generate_invisible_primary_key ON; Collate needs it OFF (on Azure Flexible Server, set the server parameter)`,
    };
  }
  return {
    name: 'database',
    status: 'pass',
    reason: `MySQL ${version}, sql_generate_invisible_primary_key OFF`,
  };
}

/** Judges a PostgreSQL server from `SHOW server_version`. */
export function judgePostgres(version: string): PreflightCheck {
  const major = Number(version.split(/[.\s]/)[0]);
  return major >= MIN_POSTGRES
    ? { name: 'database', status: 'pass', reason: `PostgreSQL ${version}` }
    : {
        name: 'database',
        status: 'fail',
        reason: `PostgreSQL ${version} is older than the required ${MIN_POSTGRES}`,
      };
}

/** The database's engine and version, connected to with the credentials given (never logged). */
export const databaseCheck: PreflightCheckDefinition = {
  name: 'database',
  unreachable: 'warn',
  applies: input => Boolean(input.database),
  async run({ input }) {
    const db = input.database!;
    if (db.engine === 'postgresql') {
      const client = new PgClient({
        // ssl defaults to off, as its schema says
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        database: db.database ?? 'postgres',
        ssl: db.ssl ? { rejectUnauthorized: true } : undefined,
        connectionTimeoutMillis: 5000,
      });
      await client.connect();
      try {
        const { rows } = await client.query<{ server_version: string }>(
          'SHOW server_version',
        );
        return judgePostgres(rows[0].server_version);
      } finally {
        await client.end();
      }
    }
    const conn = await createMysqlConnection({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: db.database,
      ssl: db.ssl ? {} : undefined,
      connectTimeout: 5000,
    });
    try {
      const [versionRows] = await conn.query('SELECT VERSION() AS v');
      const version = (versionRows as Array<{ v: string }>)[0].v;
      const [gipkRows] = await conn.query(
        "SHOW VARIABLES LIKE 'sql_generate_invisible_primary_key'",
      );
      const gipk = (gipkRows as Array<{ Value: string }>)[0]?.Value ?? null;
      return judgeMysql(version, gipk);
    } finally {
      await conn.end();
    }
  },
};
