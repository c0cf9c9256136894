import { parseValidation } from './backingService';
import * as fx from '../__testUtils__/statusFixtures';

describe('gradeBackingService', () => {
  it('judges the database and search engine from Collate’s checks', async () => {
    const { impl } = fx.sources();
    const [db, search] = await fx.statusOf(impl, ['database', 'search']);
    expect(db).toMatchObject({
      health: 'healthy',
      type: 'mysql',
      version: '8.0.36',
      host: 'db:3306',
      errors: [],
    });
    expect(search).toMatchObject({
      health: 'unhealthy',
      reason: 'Search instance es:9200 is not reachable',
    });
  });
});

describe('parseValidation', () => {
  it.each([
    [
      'Connected to PostgreSQL 15.4 at postgres.collate:5432',
      { type: 'postgresql', version: '15.4', host: 'postgres.collate:5432' },
    ],
    [
      'Connected to Elasticsearch 9.3.0 at es.internal:9200',
      { type: 'elasticsearch', version: '9.3.0', host: 'es.internal:9200' },
    ],
    ['OpenSearch is healthy', { type: 'opensearch' }],
    ['', {}],
  ])('%j', (message, expected) => {
    expect(parseValidation(message)).toEqual(expected);
  });
});
