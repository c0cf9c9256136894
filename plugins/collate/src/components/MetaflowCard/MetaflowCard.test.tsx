import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import type { CollateMetaflowStatus } from '@collate-backstage/plugin-collate-common';
import { collateStatusApiRef } from '../../api';
import { statusApi } from '../../testing/statusApi';
import { CollateMetaflowCard } from './MetaflowCard';

const stack: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'metaflow-acme',
    annotations: {
      'collate.io/component': 'metaflow',
      'collate.io/kubernetes-cluster': 'local',
      'collate.io/metaflow-namespace': 'aks-acme-metaflow-default',
      'collate.io/metaflow-orchestrator': 'argo-workflows',
      'collate.io/metaflow-datastore':
        'https://stacme.blob.core.windows.net/metaflow-storage-container',
    },
  },
  spec: { owner: 'platform' },
};

const deployment = (name: string, ready = 1) => ({
  name,
  namespace: 'aks-acme-metaflow-default',
  ready,
  desired: 1,
});

const status: CollateMetaflowStatus = {
  component: 'metaflow',
  health: 'unhealthy',
  reason:
    'Argo Events controller: no Deployment argo-events-controller-manager',
  observedAt: '2026-12-05T10:00:00.000Z',
  errors: [],
  namespace: 'aks-acme-metaflow-default',
  orchestrator: 'argo-workflows',
  services: [
    {
      name: 'metadata-service',
      title: 'Metadata service',
      part: 'metaflow',
      deployment: deployment('metadata-service'),
      version: '2.3.3',
      migrations: 'done',
      health: 'healthy',
    },
    {
      name: 'metaflow-ui-static-service',
      title: 'UI (static)',
      part: 'metaflow',
      deployment: deployment('metaflow-ui-static-service', 0),
      version: '1.1.4',
      health: 'unhealthy',
    },
    {
      name: 'argo-events-controller-manager',
      title: 'Argo Events controller',
      part: 'argo-events',
      health: 'unhealthy',
    },
  ],
  datastore: {
    url: 'https://stacme.blob.core.windows.net/metaflow-storage-container',
    reachable: true,
    answer: { status: 404, errorCode: 'ResourceNotFound' },
    health: 'healthy',
  },
};

async function render(s: CollateMetaflowStatus = status) {
  const { api, calls } = statusApi([s]);
  await renderInTestApp(
    <TestApiProvider apis={[[collateStatusApiRef, api]]}>
      <EntityProvider entity={stack}>
        <CollateMetaflowCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return calls;
}

describe('CollateMetaflowCard', () => {
  it('lists each service with its pods, version and migrations, a missing one as such, and the datastore', async () => {
    await render();
    const table = await screen.findByRole('table', {
      name: 'Metaflow services',
    });
    const rows = within(table)
      .getAllByRole('row')
      .map(r => r.textContent);
    expect(rows).toEqual([
      'ServicePodsVersionMigrations',
      'Metadata servicemetadata-service1/1 ready2.3.3done',
      'UI (static)metaflow-ui-static-service0/1 ready1.1.4—',
      'Argo Events controllerargo-events-controller-managermissing——',
    ]);
    expect(screen.getByText('Metaflow services')).toBeInTheDocument();
    expect(screen.getByText('Unhealthy')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Argo Events controller: no Deployment argo-events-controller-manager',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Argo Workflows and Argo Events'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'reachable (answers 404 ResourceNotFound without credentials)',
      ),
    ).toBeInTheDocument();
  });

  it("says how to open the UI in the stack's namespace", async () => {
    await render();
    await screen.findByRole('table', { name: 'Metaflow services' });
    expect(document.querySelector('pre')?.textContent).toContain(
      'kubectl -n aks-acme-metaflow-default \\\n  port-forward deployment/metaflow-ui-static-service 3000:3000',
    );
  });

  it('shows why the datastore is not reachable', async () => {
    await render({
      ...status,
      datastore: {
        url: 'https://stacme.blob.core.windows.net/metaflow-storage-container',
        reachable: false,
        error: 'stacme.blob.core.windows.net did not answer (fetch failed)',
        health: 'unhealthy',
      },
    });
    expect(
      await screen.findByText(
        'stacme.blob.core.windows.net did not answer (fetch failed)',
      ),
    ).toBeInTheDocument();
  });
});
