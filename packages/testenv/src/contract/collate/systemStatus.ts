import type { CollateDeploymentModel, ValidationStep } from './model.ts';

/**
 * OpenMetadata's `GET /api/v1/system/status` answer (its ValidationResponse) for a modelled deployment: one
 * StepValidation per check, with the messages the server gives.
 */
export function systemStatus(model: CollateDeploymentModel, version: string) {
  const step = (
    description: string,
    passed: boolean,
    message: string,
  ): ValidationStep => ({ description, passed, message });
  const { database: db, search, pipelineService: ps } = model;
  return {
    database: step(
      'Validate that we can properly run a query against the configured database.',
      db.healthy,
      db.healthy
        ? `Connected to ${db.type === 'postgresql' ? 'PostgreSQL' : 'MySQL'} ${
            db.version
          } at ${db.host}`
        : `Could not connect to ${db.host}`,
    ),
    searchInstance: step(
      'Validate that the Search Engine is available.',
      search.healthy,
      search.healthy
        ? `Connected to ${
            search.type === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'
          } ${search.version} at ${search.host}`
        : `Search instance ${search.host} is not reachable`,
    ),
    pipelineServiceClient: step(
      'Validate that the pipeline service client is available.',
      ps.healthy,
      ps.healthy
        ? `${ps.platform} ${ps.version} is available`
        : `${ps.platform} is not reachable`,
    ),
    jwks: step(
      'Validate that the ingestion-bot JWT can be properly decoded.',
      true,
      'Ingestion Bot token has been validated',
    ),
    migrations: step(
      'Validate that all the necessary migrations have been properly executed.',
      true,
      `Executed migrations: ${version}`,
    ),
  };
}
