import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { Knex } from 'knex';

const TABLE = 'collate_catalog_deployments';

/** A registered deployment: its name and its catalog entities. */
export interface StoredDeployment {
  name: string;
  entities: Entity[];
  updatedAt: string;
}

/**
 * The registered deployments, in the catalog's database (the module's database service) under tables of our own,
 * created and upgraded by the package's knex migrations.
 */
export class DeploymentStore {
  private constructor(private readonly db: Knex) {}

  static async create(database: DatabaseService): Promise<DeploymentStore> {
    const db = await database.getClient();
    if (!database.migrations?.skip) {
      await db.migrate.latest({
        directory: resolvePackagePath(
          '@collate-backstage/plugin-catalog-backend-module-collate',
          'migrations',
        ),
        tableName: 'collate_catalog_knex_migrations',
      });
    }
    return new DeploymentStore(db);
  }

  async list(): Promise<StoredDeployment[]> {
    const rows = await this.db(TABLE).select().orderBy('name');
    return rows.map(toDeployment);
  }

  async get(name: string): Promise<StoredDeployment | undefined> {
    const row = await this.db(TABLE).where({ name }).first();
    return row ? toDeployment(row) : undefined;
  }

  async put(name: string, entities: Entity[]): Promise<void> {
    await this.db(TABLE)
      .insert({
        name,
        entities: JSON.stringify(entities),
        updated_at: this.db.fn.now(),
      })
      .onConflict('name')
      .merge();
  }

  async delete(name: string): Promise<boolean> {
    return (await this.db(TABLE).where({ name }).delete()) > 0;
  }
}

function toDeployment(row: {
  name: string;
  entities: string;
  updated_at: string | Date;
}): StoredDeployment {
  return {
    name: row.name,
    entities: JSON.parse(row.entities),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
