import { mockServices } from '@backstage/backend-test-utils';
import { actionContext } from '../../__testUtils__/context';
import { createCollateCatalogRegisterAction } from './catalogRegister';

const system = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'collate-prod',
    annotations: { 'collate.io/component': 'server' },
  },
  spec: { owner: 'group:default/platform-team' },
};

describe('collate:catalog:register input', () => {
  // Discovery that fails the test if any call is made: bad input must be refused first.
  const discovery = {
    getBaseUrl: jest.fn(async () => {
      throw new Error('no call may be made');
    }),
    getExternalBaseUrl: jest.fn(),
  };
  const action = createCollateCatalogRegisterAction({
    auth: mockServices.auth(),
    discovery,
  });

  it.each([
    ['name', { name: 'Collate_Prod', entities: [system] }],
    ['name', { name: '', entities: [system] }],
    ['name', { name: 'x'.repeat(64), entities: [system] }],
    ['entities', { name: 'c', entities: [] }],
    ['entities', { name: 'c', entities: Array(51).fill(system) }],
    ['apiVersion', { name: 'c', entities: [{ ...system, apiVersion: 'v1' }] }],
    ['kind', { name: 'c', entities: [{ ...system, kind: 'Template' }] }],
    ['kind', { name: 'c', entities: [{ ...system, kind: 'Location' }] }],
    [
      'metadata.name',
      { name: 'c', entities: [{ ...system, metadata: { name: 'Bad Name' } }] },
    ],
    ['appears twice', { name: 'c', entities: [system, system] }],
    ['spec.owner', { name: 'c', entities: [{ ...system, spec: {} }] }],
    [
      'credential',
      {
        name: 'c',
        entities: [
          {
            ...system,
            metadata: { name: 'c', annotations: { note: 'password: hunter2' } },
          },
        ],
      },
    ],
    [
      'credential',
      {
        name: 'c',
        entities: [
          {
            ...system,
            metadata: {
              name: 'c',
              annotations: {
                token:
                  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJpbmdlc3Rpb24tYm90In0.c2lnbmF0dXJl',
              },
            },
          },
        ],
      },
    ],
    [
      'must be a string',
      {
        name: 'c',
        entities: [
          { ...system, metadata: { name: 'c', annotations: { n: 1 } } },
        ],
      },
    ],
  ])('refuses bad %s before any call', async (what, input) => {
    const { ctx } = actionContext(input as any);
    const error = await action.handler(ctx as any).then(
      () => undefined,
      e => e,
    );
    expect({ name: error?.name, message: error?.message }).toEqual({
      name: 'InputError',
      message: expect.stringContaining(what),
    });
    expect(discovery.getBaseUrl).not.toHaveBeenCalled();
  });
});
