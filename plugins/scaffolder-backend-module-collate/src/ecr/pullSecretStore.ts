import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** A pull secret `collate:aws:ecr:pull-secret` created, and the only kind the scheduled renewal renews. @public */
export interface PullSecretRecord {
  cluster: string;
  namespace: string;
  name: string;
  registry: string;
}

const TABLE = 'collate_ecr_pull_secrets';

/**
 * The pull secrets the action created, kept server-side (the scaffolder's database): the renewal hands ECR tokens to
 * these only, never to a Secret someone else labelled like ours.
 * @public
 */
export class PullSecretStore {
  private constructor(private readonly db: Knex) {}

  static async create(database: DatabaseService): Promise<PullSecretStore> {
    const db = await database.getClient();
    if (!(await db.schema.hasTable(TABLE))) {
      await db.schema.createTable(TABLE, table => {
        table.string('cluster').notNullable();
        table.string('namespace').notNullable();
        table.string('name').notNullable();
        table.string('registry').notNullable();
        table.primary(['cluster', 'namespace', 'name']);
      });
    }
    return new PullSecretStore(db);
  }

  /** Records a secret the action created (again: its registry is updated). */
  async add(record: PullSecretRecord): Promise<void> {
    await this.db(TABLE)
      .insert(record)
      .onConflict(['cluster', 'namespace', 'name'])
      .merge(['registry']);
  }

  /** Forgets a secret that is gone (its namespace decommissioned). */
  async remove(record: Omit<PullSecretRecord, 'registry'>): Promise<void> {
    await this.db(TABLE)
      .where({
        cluster: record.cluster,
        namespace: record.namespace,
        name: record.name,
      })
      .delete();
  }

  async list(): Promise<PullSecretRecord[]> {
    return this.db(TABLE)
      .select('cluster', 'namespace', 'name', 'registry')
      .orderBy(['cluster', 'namespace', 'name']);
  }
}
