import { describeActionInput } from '../../__testUtils__/actionInput';
import { mockServices } from '@backstage/backend-test-utils';
import {
  noCallDiscovery,
  startCatalogStub,
} from '../../__testUtils__/catalogStub';
import { actionContext } from '../../__testUtils__/context';
import { createCollateCatalogRegisterAction } from './catalogRegister';
import { CATALOG_SYSTEM } from '../../__testUtils__/inputSuites';

const system = CATALOG_SYSTEM;

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

describe('collate:catalog:register against the catalog routes', () => {
  it('puts the entities of the deployment, waits until the catalog shows them, and says what it did', async () => {
    const stub = await startCatalogStub(call =>
      call.path.startsWith('/collate/deployments/')
        ? {
            status: 200,
            body: {
              action: 'create',
              entityRefs: ['system:default/collate-prod'],
              removedEntityRefs: [],
            },
          }
        : { status: 200, body: { items: [{ kind: 'System' }] } },
    );
    try {
      const action = createCollateCatalogRegisterAction(stub.options);
      const { ctx, outputs, logger } = actionContext({
        name: 'collate-prod',
        entities: [system],
      });
      await action.handler(ctx as never);
      expect(stub.calls).toEqual([
        {
          method: 'PUT',
          path: '/collate/deployments/collate-prod',
          body: { entities: [system] },
        },
        {
          method: 'POST',
          path: '/entities/by-refs',
          body: {
            entityRefs: ['system:default/collate-prod'],
            fields: ['kind', 'metadata.name'],
          },
        },
      ]);
      expect(outputs).toEqual({
        entityRefs: ['system:default/collate-prod'],
        entityRef: 'system:default/collate-prod',
        removedEntityRefs: [],
        action: 'create',
      });
      expect(logger.lines).toContain(
        'info did create: system:default/collate-prod',
      );
    } finally {
      await stub.close();
    }
  });

  it('turns the catalog’s refusal (409) into an InputError with its reason', async () => {
    const stub = await startCatalogStub(() => ({
      status: 409,
      body: { error: { message: 'collate-prod belongs to another owner' } },
    }));
    try {
      const action = createCollateCatalogRegisterAction(stub.options);
      const { ctx } = actionContext(
        { name: 'collate-prod', entities: [system] },
        { isDryRun: true },
      );
      await expect(action.handler(ctx as never)).rejects.toMatchObject({
        name: 'InputError',
        message: 'collate-prod belongs to another owner',
      });
      expect(stub.calls.map(c => `${c.method} ${c.path}`)).toEqual([
        'PUT /collate/deployments/collate-prod?dryRun=true',
      ]);
    } finally {
      await stub.close();
    }
  });
});

describeActionInput(
  'collate:catalog:register',
  createCollateCatalogRegisterAction({
    auth: mockServices.auth(),
    discovery: noCallDiscovery,
  }),
);
