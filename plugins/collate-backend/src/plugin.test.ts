import { startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { collatePlugin } from './plugin';

describe('collate backend plugin', () => {
  it('answers its health route without credentials', async () => {
    const { server } = await startTestBackend({ features: [collatePlugin] });

    const res = await request(server).get('/api/collate/health');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('does not serve unknown routes', async () => {
    const { server } = await startTestBackend({ features: [collatePlugin] });

    const res = await request(server).get('/api/collate/nope');

    expect(res.status).toBe(404);
  });
});
