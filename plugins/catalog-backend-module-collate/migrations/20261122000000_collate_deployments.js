/*
 * The Collate deployments registered in the catalog by the Collate templates (collate:catalog:register).
 * Kept in the catalog's database under names of our own; applied by this module at start-up.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('collate_catalog_deployments', table => {
    table.comment(
      'Catalog entities of the Collate deployments registered by the Collate templates',
    );
    table
      .string('name', 63)
      .primary()
      .notNullable()
      .comment('Deployment name, one per template run target');
    table
      .text('entities')
      .notNullable()
      .comment('The deployment entities as a JSON array');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('collate_catalog_deployments');
};
