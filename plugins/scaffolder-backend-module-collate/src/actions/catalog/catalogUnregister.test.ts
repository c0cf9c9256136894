import { describeActionInput } from '../../__testUtils__/actionInput';
import { mockServices } from '@backstage/backend-test-utils';
import {
  noCallDiscovery,
  startCatalogStub,
} from '../../__testUtils__/catalogStub';
import { actionContext } from '../../__testUtils__/context';
import { createCollateCatalogUnregisterAction } from './catalogUnregister';

describe('collate:catalog:unregister against the catalog routes', () => {
  it('deletes the deployment’s entities, and says so; a deployment not registered is nothing to do', async () => {
    let existed = true;
    const stub = await startCatalogStub(() => ({
      status: 200,
      body: existed
        ? {
            existed: true,
            removedEntityRefs: [
              'system:default/collate-prod',
              'component:default/collate-prod-server',
            ],
          }
        : { existed: false, removedEntityRefs: [] },
    }));
    try {
      const action = createCollateCatalogUnregisterAction(stub.options);
      const first = actionContext({ name: 'collate-prod' }, { isDryRun: true });
      await action.handler(first.ctx as never);
      expect(first.outputs).toEqual({
        existed: true,
        removedEntityRefs: [
          'system:default/collate-prod',
          'component:default/collate-prod-server',
        ],
      });
      expect(first.logger.lines).toContain(
        'info would remove: system:default/collate-prod, component:default/collate-prod-server',
      );
      existed = false;
      const second = actionContext({ name: 'collate-prod' });
      await action.handler(second.ctx as never);
      expect(second.outputs).toEqual({ existed: false, removedEntityRefs: [] });
      expect(second.logger.lines).toContain(
        'info deployment collate-prod is not registered: nothing to remove',
      );
      expect(stub.calls.map(c => `${c.method} ${c.path}`)).toEqual([
        'DELETE /collate/deployments/collate-prod?dryRun=true',
        'DELETE /collate/deployments/collate-prod',
      ]);
    } finally {
      await stub.close();
    }
  });
});

describeActionInput(
  'collate:catalog:unregister',
  createCollateCatalogUnregisterAction({
    auth: mockServices.auth(),
    discovery: noCallDiscovery,
  }),
);
