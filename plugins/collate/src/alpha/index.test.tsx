import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { collateStatusApiRef } from '../api';
import { demoStatuses, statusApi } from '../testing/statusApi';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import plugin, {
  collateFleetPage,
  collateEntityContent,
  collateIngestionEntityCard,
  collateOverviewEntityCard,
  collateRunnerEntityCard,
} from './index';

const collateEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'collate',
    annotations: {
      'collate.io/component': 'server',
      'collate.io/kubernetes-cluster': 'local',
      'collate.io/server-url': 'http://openmetadata.collate:8585',
    },
  },
  spec: { owner: 'platform' },
};

describe('collate plugin (new frontend system)', () => {
  it('mounts the fleet page at /collate-fleet, listing the deployments', async () => {
    const tester = createExtensionTester(collateFleetPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/collate-fleet');
    renderInTestApp(tester.reactElement(), {
      apis: [
        [
          collateStatusApiRef,
          statusApi([], { fleet: { deployments: [], refused: 0 } }).api,
        ],
      ],
    });
    expect(
      // The page is loaded lazily: its first render takes a moment.
      await screen.findByText(
        /No Collate deployment you may read/,
        {},
        { timeout: 15_000 },
      ),
    ).toBeInTheDocument();
  });

  it('is the collate plugin and provides the overview card', () => {
    expect(plugin.id).toBe('collate');
  });

  it('shows the overview card only on Collate entities', () => {
    const tester = createExtensionTester(collateOverviewEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(collateEntity)).toBe(true);
    expect(
      filter?.({
        ...collateEntity,
        metadata: { name: 'other', annotations: {} },
      }),
    ).toBe(false);
  });

  it('renders the overview card for the entity', async () => {
    const tester = createExtensionTester(collateOverviewEntityCard);
    renderInTestApp(
      <EntityProvider entity={collateEntity}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[collateStatusApiRef, statusApi(demoStatuses).api]] },
    );
    expect(await screen.findByText('Collate deployment')).toBeInTheDocument();
    expect(
      await screen.findByText('Hybrid Ingestion Runner'),
    ).toBeInTheDocument();
  });

  it('adds a Collate tab on Collate entities with the overview and the cards the entity describes', async () => {
    const tester = createExtensionTester(collateEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Collate');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(collateEntity)).toBe(true);
    expect(
      filter?.({ ...collateEntity, metadata: { name: 'x', annotations: {} } }),
    ).toBe(false);
    renderInTestApp(
      <EntityProvider
        entity={{
          ...collateEntity,
          metadata: {
            ...collateEntity.metadata,
            annotations: {
              ...collateEntity.metadata.annotations,
              'collate.io/namespace': 'collate',
              'collate.io/argo-namespace': 'argo-workflows',
            },
          },
        }}
      >
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[collateStatusApiRef, statusApi(demoStatuses).api]] },
    );
    // The details variant of the overview, the Argo card, the ingestion card at full width.
    expect(
      await screen.findByText('Runner demo-runner is not connected to Collate'),
    ).toBeInTheDocument();
    expect(await screen.findByText('v3.7.1')).toBeInTheDocument();
    expect(await screen.findByText('Latest runs')).toBeInTheDocument();
  });

  it('shows each component card only where the entity describes that component', () => {
    const runner = createExtensionTester(collateRunnerEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    const ingestion = createExtensionTester(collateIngestionEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    // The System carries a server URL (so Collate's pipelines) but no runner annotations.
    expect(ingestion?.(collateEntity)).toBe(true);
    expect(runner?.(collateEntity)).toBe(false);
    expect(
      runner?.({
        ...collateEntity,
        metadata: {
          ...collateEntity.metadata,
          annotations: {
            ...collateEntity.metadata.annotations,
            'collate.io/runner-agent-id': 'agent-1',
          },
        },
      }),
    ).toBe(true);
  });
});
