import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, EntityProvider } from '@backstage/plugin-catalog-react';
import { scaffolderApiRef } from '@backstage/plugin-scaffolder-react';
import type { Entity } from '@backstage/catalog-model';
import type { ScaffolderDryRunResponse } from '@backstage/plugin-scaffolder-common';
import { LifecycleCard } from './LifecycleCard';

const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'collate-prod',
    title: 'Collate (collate-prod)',
    tags: ['collate', 'openmetadata', 'azure'],
  },
  spec: { owner: 'group:default/platform-team' },
};

const template = (name: string, tags: string[]) => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, namespace: 'default', title: name, tags },
  spec: { type: 'service', steps: [], parameters: [] },
});

const TEMPLATES = [
  template('collate-upgrade', ['collate', 'openmetadata', 'upgrade']),
  template('collate-decommission-aws', ['collate', 'aws', 'decommission']),
  template('collate-decommission-azure', ['collate', 'azure', 'decommission']),
];

// What the scaffolder's dry-run answers: the steps, and the log with the runner's own lines around each step's.
const DRY_RUN: ScaffolderDryRunResponse = {
  steps: [
    { id: 'uninstall-collate', name: 'Uninstall Collate', action: 'x' },
    { id: 'storage', name: 'Delete the Argo artifact storage', action: 'x' },
  ],
  log: [
    {
      body: {
        stepId: 'uninstall-collate',
        status: 'processing',
        message: 'Beginning step Uninstall Collate',
      },
    },
    {
      body: {
        stepId: 'uninstall-collate',
        message:
          '\u001b[32minfo\u001b[39m: Running collate:helm:uninstall in dry-run mode with inputs (secrets redacted): {}',
      },
    },
    {
      body: {
        stepId: 'uninstall-collate',
        message:
          '\u001b[32minfo\u001b[39m: would uninstall Helm release collate/openmetadata (openmetadata-1.12.3)',
      },
    },
    {
      body: {
        stepId: 'uninstall-collate',
        status: 'completed',
        message: 'Finished step Uninstall Collate',
      },
    },
    {
      body: {
        stepId: 'storage',
        status: 'skipped',
        message: 'Skipping step storage because its if condition was false',
      },
    },
  ],
  output: {},
  directoryContents: [],
};

async function render() {
  const dryRuns: unknown[] = [];
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [catalogApiRef, { getEntities: async () => ({ items: TEMPLATES }) }],
        [
          scaffolderApiRef,
          {
            dryRun: async (options: unknown) => {
              dryRuns.push(options);
              return DRY_RUN;
            },
          },
        ],
      ]}
    >
      <EntityProvider entity={system}>
        <LifecycleCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return dryRuns;
}

describe('LifecycleCard', () => {
  it("links to the upgrade template and the System's cloud's decommission template, this System picked", async () => {
    await render();
    const formData = encodeURIComponent(
      JSON.stringify({ system: 'system:default/collate-prod' }),
    );
    expect(
      await screen.findByRole('button', { name: 'Upgrade…' }),
    ).toHaveAttribute(
      'href',
      `/create/templates/default/collate-upgrade?formData=${formData}`,
    );
    expect(
      screen.getByRole('button', { name: 'Decommission…' }),
    ).toHaveAttribute(
      'href',
      `/create/templates/default/collate-decommission-azure?formData=${formData}`,
    );
  });

  it('previews the decommission: a dry run of its template, each step with what it would do', async () => {
    const dryRuns = await render();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Preview decommission' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(
        'would uninstall Helm release collate/openmetadata (openmetadata-1.12.3)',
      ),
    ).toBeInTheDocument();
    expect(dryRuns).toEqual([
      expect.objectContaining({
        template: expect.objectContaining({
          metadata: expect.objectContaining({
            name: 'collate-decommission-azure',
          }),
        }),
        values: { system: 'system:default/collate-prod', confirm: true },
        directoryContents: [],
      }),
    ]);
    const steps = within(dialog)
      .getAllByRole('listitem')
      .filter(li => li.querySelector('h6, .MuiTypography-subtitle2'));
    expect(steps.map(s => s.textContent)).toEqual([
      'Uninstall Collatewould uninstall Helm release collate/openmetadata (openmetadata-1.12.3)',
      'Delete the Argo artifact storageskipped',
    ]);
    // The scaffolder's own lines (and the step's inputs) are not part of the plan.
    expect(
      within(dialog).queryByText(/Beginning step|Running collate/),
    ).toBeNull();
  });
});
