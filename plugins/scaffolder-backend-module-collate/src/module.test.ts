import { COLLATE_ACTION_IDS } from '@collate-backstage/plugin-collate-common';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import { createCollateActions } from './actions';
import { clusterOptions } from './__testUtils__/clusters';
import { scaffolderModuleCollate } from './module';

describe('scaffolderModuleCollate', () => {
  it('adds exactly the Collate actions to the scaffolder extension point', async () => {
    const addActions = jest.fn();
    const scheduler = mockServices.scheduler.mock();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleCollate, scheduler.factory],
    });
    // ECR tokens expire after 12 hours: the renewal of managed pull secrets is scheduled, hourly by default.
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'collate-ecr-pull-secret-refresh',
        frequency: { minutes: 60 },
        scope: 'global',
      }),
    );

    const expected = [
      ...createCollateActions(clusterOptions(mockServices.rootConfig())).map(
        a => a.id,
      ),
      // Need the auth and discovery services, which only the module has.
      'collate:catalog:register',
      'collate:catalog:unregister',
      'collate:catalog:annotate',
    ];
    const added = addActions.mock.calls.flat().map(a => a.id);
    expect(added).toEqual(expected);
    // A portal may already have other modules' kubernetes:*, aws:*, azure:* or terraform:* actions, and the
    // scaffolder refuses duplicate ids: every id of ours is under collate:.
    expect(added.filter(id => !id.startsWith('collate:'))).toEqual([]);
    // The list a permission policy keeps to deployers (plugin-collate-common) is exactly these.
    expect([...COLLATE_ACTION_IDS].sort()).toEqual([...added].sort());
  });

  it('installs into the real scaffolder backend, which then serves the actions list', async () => {
    const { server } = await startTestBackend({
      features: [scaffolderPlugin, scaffolderModuleCollate],
    });

    const res = await request(server).get('/api/scaffolder/v2/actions');

    expect(res.status).toBe(200);
    const ids: string[] = res.body.map((a: { id: string }) => a.id);
    // The scaffolder's own actions are there, and so is every Collate action.
    expect(ids).toContain('fetch:plain');
    for (const action of createCollateActions(
      clusterOptions(mockServices.rootConfig()),
    )) {
      expect(ids).toContain(action.id);
    }
  });
});
