import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

const TABLE = 'collate_deployments';

export interface StoredDeployment {
  name: string;
  /** The deployment's catalog entities as one multi-document YAML file. */
  yaml: string;
  updatedAt: string;
}

/** The catalog entities of the deployments the templates registered, in the plugin's own database. */
export class DeploymentStore {
  private constructor(private readonly db: Knex) {}

  static async create(database: DatabaseService): Promise<DeploymentStore> {
    const db = await database.getClient();
    if (!(await db.schema.hasTable(TABLE))) {
      await db.schema.createTable(TABLE, table => {
        table.string('name', 253).primary();
        table.text('yaml').notNullable();
        table.string('updated_at', 32).notNullable();
      });
    }
    return new DeploymentStore(db);
  }

  async get(name: string): Promise<StoredDeployment | undefined> {
    const row = await this.db(TABLE).where({ name }).first();
    return row
      ? { name: row.name, yaml: row.yaml, updatedAt: row.updated_at }
      : undefined;
  }

  async put(name: string, yaml: string): Promise<void> {
    await this.db(TABLE)
      .insert({ name, yaml, updated_at: new Date().toISOString() })
      .onConflict('name')
      .merge();
  }
}
