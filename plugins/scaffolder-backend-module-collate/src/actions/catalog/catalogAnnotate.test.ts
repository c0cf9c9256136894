import { describeActionInput } from '../../__testUtils__/actionInput';
import { mockServices } from '@backstage/backend-test-utils';
import {
  noCallDiscovery,
  startCatalogStub,
} from '../../__testUtils__/catalogStub';
import { actionContext } from '../../__testUtils__/context';
import { createCollateCatalogAnnotateAction } from './catalogAnnotate';

describe('collate:catalog:annotate against the catalog routes', () => {
  it('patches the annotations of the deployment, and reports an unchanged run as such', async () => {
    let action: 'update' | 'unchanged' = 'update';
    const stub = await startCatalogStub(() => ({
      status: 200,
      body: {
        action,
        entityRefs: action === 'update' ? ['system:default/collate-prod'] : [],
      },
    }));
    try {
      const annotate = createCollateCatalogAnnotateAction(stub.options);
      const input = {
        name: 'collate-prod',
        annotations: { 'collate.io/server-chart-version': '1.12.4' },
      };
      const first = actionContext(input);
      await annotate.handler(first.ctx as never);
      expect(first.outputs).toEqual({
        action: 'update',
        entityRefs: ['system:default/collate-prod'],
      });
      expect(first.logger.lines).toContain(
        'info set collate.io/server-chart-version=1.12.4 on system:default/collate-prod',
      );
      action = 'unchanged';
      const second = actionContext(input);
      await annotate.handler(second.ctx as never);
      expect(second.logger.lines).toContain(
        'info unchanged: collate.io/server-chart-version=1.12.4 already on deployment collate-prod',
      );
      expect(stub.calls).toEqual([
        {
          method: 'PATCH',
          path: '/collate/deployments/collate-prod',
          body: { annotations: input.annotations },
        },
        {
          method: 'PATCH',
          path: '/collate/deployments/collate-prod',
          body: { annotations: input.annotations },
        },
      ]);
    } finally {
      await stub.close();
    }
  });
});

describeActionInput(
  'collate:catalog:annotate',
  createCollateCatalogAnnotateAction({
    auth: mockServices.auth(),
    discovery: noCallDiscovery,
  }),
);
