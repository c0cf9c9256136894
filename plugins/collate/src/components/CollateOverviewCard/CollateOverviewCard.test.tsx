import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { collateStatusApiRef } from '../../api';
import { demoStatuses, statusApi } from '../../testing/statusApi';
import { CollateOverviewCard } from './CollateOverviewCard';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'collate-argo', title: 'Argo Workflows', annotations },
  spec: { type: 'service', owner: 'platform', lifecycle: 'production' },
});

async function render(e: Entity, fail?: Error) {
  const { api, calls } = statusApi(demoStatuses, { fail });
  await renderInTestApp(
    <TestApiProvider apis={[[collateStatusApiRef, api]]}>
      <EntityProvider entity={e}>
        <CollateOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return calls;
}

describe('CollateOverviewCard', () => {
  it('shows every component’s health with its reason, and the Collate annotations of the entity', async () => {
    await render(
      entity({
        'collate.io/component': 'argo',
        'collate.io/kubernetes-cluster': 'aks-dev',
        'collate.io/argo-namespace': 'argo-workflows',
        'collate.io/argo-server-url':
          'http://argo-workflows-server.argo-workflows:2746',
      }),
    );

    expect(
      await screen.findByText('Hybrid Ingestion Runner'),
    ).toBeInTheDocument();
    expect(screen.getByText('Collate deployment')).toBeInTheDocument();
    expect(
      screen.getByText('Runner demo-runner is not connected to Collate'),
    ).toBeInTheDocument();
    expect(screen.getByText('Unhealthy')).toBeInTheDocument();
    expect(screen.getByText('Degraded')).toBeInTheDocument();
    expect(screen.getAllByText('Healthy')).toHaveLength(3);
    expect(screen.getByText('aks-dev')).toBeInTheDocument();
    expect(screen.getByText('argo-workflows')).toBeInTheDocument();
    expect(
      screen.getByText('http://argo-workflows-server.argo-workflows:2746'),
    ).toBeInTheDocument();
    // Annotations the entity does not carry are not shown as empty rows.
    expect(screen.queryByText('Runner agent id')).not.toBeInTheDocument();
  });

  it('explains which annotation is missing, without asking the backend', async () => {
    const calls = await render(entity({}));

    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/collate\.io\/component/).length,
    ).toBeGreaterThan(0);
    expect(calls).toEqual([]);
  });

  it('shows the error panel when the backend fails, still with the annotations', async () => {
    await render(
      entity({
        'collate.io/component': 'argo',
        'collate.io/kubernetes-cluster': 'aks-dev',
      }),
      new Error('collate backend unavailable'),
    );
    expect(
      (await screen.findAllByText(/collate backend unavailable/))[0],
    ).toBeInTheDocument();
    expect(screen.getByText('aks-dev')).toBeInTheDocument();
  });
});
