import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import type { Entity } from '@backstage/catalog-model';
import type {
  CollateClusterAuth,
  CollateComponentStatus,
  CollateRunHistory,
} from '@collate-backstage/plugin-collate-common';
import {
  kubernetesAuthProvidersApiRef,
  type KubernetesAuthProvidersApi,
} from '@backstage/plugin-kubernetes-react';
import { collateStatusApiRef } from '../api';
import { demoStatuses, statusApi } from '../testing/statusApi';
import {
  CollateArgoCard,
  CollateDatabaseCard,
  CollateIngestionCard,
  CollateRunnerCard,
  CollateSearchCard,
} from './cards';

const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'collate-demo',
    namespace: 'default',
    annotations: {
      'collate.io/component': 'server',
      'collate.io/kubernetes-cluster': 'local',
      'collate.io/namespace': 'collate',
      'collate.io/server-url': 'http://openmetadata.collate:8585',
      'collate.io/argo-namespace': 'argo-workflows',
      'collate.io/runner-agent-id': 'demo-runner',
      'collate.io/runner-namespace': 'collate-runner',
    },
  },
  spec: { owner: 'platform' },
};

/** The demo System under another name: usePermission keeps (SWR) an entity's decisions across renders. */
const named = (name: string): Entity => ({
  ...system,
  metadata: { ...system.metadata, name },
});

/** The open actions menu's items. */
const menuItems = () => screen.getAllByRole('menuitem').map(i => i.textContent);

/** Permissions the cards asked about, in order. */
let evaluated: string[] = [];

async function render(
  card: JSX.Element,
  options: {
    entity?: Entity;
    statuses?: CollateComponentStatus[];
    fail?: Error;
    clusters?: CollateClusterAuth[];
    authProviders?: KubernetesAuthProvidersApi;
    /** Whether the signed-in user may reindex (collate.search.reindex); other permissions are allowed. */
    mayReindex?: boolean;
    /** Permissions denied to the signed-in user, by name. */
    denied?: string[];
    history?: CollateRunHistory;
  } = {},
) {
  evaluated = [];
  const { api, calls } = statusApi(options.statuses ?? demoStatuses, {
    fail: options.fail,
    clusters: options.clusters,
    history: options.history,
  });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [collateStatusApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: request => {
              evaluated.push(request.permission.name);
              return (request.permission.name === 'collate.search.reindex' &&
                options.mayReindex === false) ||
                options.denied?.includes(request.permission.name)
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW;
            },
          }),
        ],
        ...(options.authProviders
          ? ([[kubernetesAuthProvidersApiRef, options.authProviders]] as const)
          : []),
      ]}
    >
      <EntityProvider entity={options.entity ?? system}>{card}</EntityProvider>
    </TestApiProvider>,
  );
  return calls;
}

describe('status cards', () => {
  it('Argo: pods, version, workflows by phase and the UI link', async () => {
    await render(<CollateArgoCard />);
    expect(await screen.findByText('v3.7.1')).toBeInTheDocument();
    expect(screen.getByText('Argo Workflows')).toBeInTheDocument();
    expect(screen.getAllByText('1/1 ready')).toHaveLength(1);
    expect(screen.getByText('0/1 ready')).toBeInTheDocument();
    expect(screen.getByText('Succeeded: 12')).toBeInTheDocument();
    expect(screen.getByText('Failed: 2')).toBeInTheDocument();
    expect(
      screen.getByText('https://argo.example.com').closest('a'),
    ).toHaveAttribute('href', 'https://argo.example.com');
    expect(screen.getByText('Healthy')).toBeInTheDocument();
  });

  it('Database: type, host, version, endpoint and Collate’s check', async () => {
    await render(<CollateDatabaseCard />);
    expect(await screen.findByText('postgresql')).toBeInTheDocument();
    expect(screen.getByText('15.4')).toBeInTheDocument();
    expect(screen.getAllByText('postgres.collate:5432')).toHaveLength(2);
    expect(
      screen.getByText('Connected to PostgreSQL 15.4 at postgres.collate:5432'),
    ).toBeInTheDocument();
  });

  it('Search: unknown with the reason when Collate did not answer', async () => {
    await render(<CollateSearchCard />);
    expect(
      await screen.findByText('Collate: timed out after 3000 ms'),
    ).toBeInTheDocument();
    expect(screen.getByText('Unknown')).toBeInTheDocument();
    expect(
      screen.getByText('http://opensearch.collate:9200'),
    ).toBeInTheDocument();
  });

  it('Search: the last reindex, and "Reindex search" after a confirmation, for those allowed', async () => {
    const search: CollateComponentStatus = {
      component: 'search',
      health: 'degraded',
      reason: 'Last reindex failed: search cluster unavailable',
      observedAt: new Date().toISOString(),
      errors: [],
      type: 'opensearch',
      reindex: {
        status: 'failed',
        startTime: new Date(Date.now() - 2 * 3_600_000).toISOString(),
        endTime: new Date(Date.now() - 2 * 3_600_000 + 42_000).toISOString(),
        failure: 'search cluster unavailable',
      },
    } as CollateComponentStatus;
    const calls = await render(<CollateSearchCard />, { statuses: [search] });
    expect(await screen.findByText('failed')).toBeInTheDocument();
    expect(screen.getByText(/2 hours ago/)).toBeInTheDocument();
    expect(
      screen.getByText(/took 42 s: search cluster unavailable/),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Reindex search' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Rebuild the search indexes?'),
    ).toBeInTheDocument();
    // Nothing happens before the confirmation.
    expect(calls.filter(c => c.startsWith('reindex'))).toEqual([]);
    await userEvent.click(within(dialog).getByRole('checkbox'));
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reindex' }),
    );
    expect(calls).toContain(
      'reindex system:default/collate-demo recreateIndex=true',
    );
  });

  it('Search: no reindex button for those not allowed', async () => {
    const base = {
      component: 'search',
      health: 'healthy',
      observedAt: new Date().toISOString(),
      errors: [],
    };
    await render(<CollateSearchCard />, {
      statuses: [{ ...base, reindex: { status: 'success' } }] as any,
      mayReindex: false,
      entity: named('collate-denied'),
    });
    expect(await screen.findByText('success')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Reindex/ })).toBeNull();
  });

  it('Search: the button says a reindex is running and cannot start another', async () => {
    await render(<CollateSearchCard />, {
      statuses: [
        {
          component: 'search',
          health: 'healthy',
          observedAt: new Date().toISOString(),
          errors: [],
          reindex: { status: 'running', startTime: new Date().toISOString() },
        },
      ] as any,
    });
    expect(
      await screen.findByRole('button', { name: 'Reindex running' }),
    ).toBeDisabled();
  });

  it('Ingestion: a failed run is retried from its actions menu after a confirmation', async () => {
    const calls = await render(<CollateIngestionCard />);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Actions for warehouse-metadata-newest',
      }),
    );
    // A failed run can be retried or resubmitted, not stopped.
    const items = menuItems();
    expect(items).toEqual(['Retry', 'Resubmit']);
    await userEvent.click(screen.getByRole('menuitem', { name: 'Retry' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Retry warehouse-metadata-newest?'),
    ).toBeInTheDocument();
    expect(calls.filter(c => c.startsWith('retry'))).toEqual([]);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Retry' }),
    );
    expect(calls).toContain(
      'retry system:default/collate-demo warehouse-metadata-newest',
    );
  });

  it('Ingestion: only the operations the user is allowed, none at all without any', async () => {
    await render(<CollateIngestionCard />, {
      denied: ['collate.workflow.retry'],
      entity: named('collate-no-retry'),
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Actions for warehouse-metadata-newest',
      }),
    );
    expect(menuItems()).toEqual(['Resubmit']);
  });

  it('Ingestion: a Collate pipeline runs now or is deployed from its actions menu, run only once deployed', async () => {
    const calls = await render(<CollateIngestionCard />, {
      entity: named('collate-pipelines'),
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Actions for warehouse_profiler',
      }),
    );
    // Not deployed yet: Collate would refuse to run it.
    expect(menuItems()).toEqual(['Deploy']);
    await userEvent.keyboard('{Escape}');
    await userEvent.click(
      screen.getByRole('button', { name: 'Actions for warehouse_metadata' }),
    );
    expect(menuItems()).toEqual(['Run now', 'Deploy']);
    await userEvent.click(screen.getByRole('menuitem', { name: 'Run now' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Run now warehouse_metadata?'),
    ).toBeInTheDocument();
    expect(calls.filter(c => c.startsWith('trigger'))).toEqual([]);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Run now' }),
    );
    expect(calls).toContain(
      'trigger system:default/collate-pipelines 7c1e2f44-0a7b-4f1e-9d55-2b8a6c3e4f10',
    );
  });

  it('Ingestion: a stale run is a warning with its reason, and can be stopped', async () => {
    await render(<CollateIngestionCard />, {
      entity: named('collate-stale'),
    });
    expect(await screen.findByText('Running, stale')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Argo says step lake-metadata-stuck is Running, but its pod is gone',
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Actions for lake-metadata-stuck' }),
    );
    expect(menuItems()).toEqual(['Stop', 'Terminate']);
  });

  it("Ingestion: a run's logs open in the portal, streamed; without collate.workflow.logs the Argo UI link stays", async () => {
    const calls = await render(<CollateIngestionCard />, {
      entity: named('collate-logs'),
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Logs of lake-metadata-stuck',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Logs of lake-metadata-stuck'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        within(dialog).getByLabelText('Logs of lake-metadata-stuck'),
      ).toHaveTextContent(
        'Starting ingestion lake-metadata-stuck Processed 42 tables',
      ),
    );
    // A running run's log is followed.
    expect(calls).toContain(
      'logs system:default/collate-logs lake-metadata-stuck follow',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it("Ingestion: without collate.workflow.logs, only the Argo UI's log link", async () => {
    await render(<CollateIngestionCard />, {
      denied: ['collate.workflow.logs'],
      entity: named('collate-no-logs'),
    });
    await screen.findByText('warehouse-metadata-older');
    await waitFor(() =>
      expect(screen.getByText('logs').closest('a')).toHaveAttribute(
        'href',
        expect.stringContaining('sidePanel=logs'),
      ),
    );
    expect(screen.queryByRole('button', { name: /^Logs of / })).toBeNull();
  });

  it('Ingestion: no actions menu for a user without workflow or pipeline permissions', async () => {
    await render(<CollateIngestionCard />, {
      denied: [
        'collate.workflow.retry',
        'collate.workflow.resubmit',
        'collate.workflow.stop',
        'collate.workflow.terminate',
        'collate.pipeline.trigger',
        'collate.pipeline.deploy',
      ],
      entity: named('collate-read-only'),
    });
    expect(
      await screen.findByText('warehouse-metadata-newest'),
    ).toBeInTheDocument();
    // Once every decision is in, still no menu.
    await waitFor(() =>
      expect(new Set(evaluated)).toEqual(
        new Set([
          'collate.workflow.retry',
          'collate.workflow.resubmit',
          'collate.workflow.stop',
          'collate.workflow.terminate',
          'collate.pipeline.trigger',
          'collate.pipeline.deploy',
          'collate.workflow.logs',
        ]),
      ),
    );
    await new Promise(r => setTimeout(r, 0));
    expect(screen.queryByRole('button', { name: /^Actions for/ })).toBeNull();
  });

  it('Runner: agent id, pods, connection and whether Collate lists it', async () => {
    await render(<CollateRunnerCard />);
    expect(await screen.findByText('demo-runner')).toBeInTheDocument();
    expect(screen.getByText('disconnected (pods 0/1)')).toBeInTheDocument();
    expect(screen.getByText('listed, default runner')).toBeInTheDocument();
    expect(screen.getByText('Unhealthy')).toBeInTheDocument();
  });

  it('Ingestion: runs newest first with links, 24 h counts, schedules and pipelines', async () => {
    await render(<CollateIngestionCard />);
    const runs = await screen.findByText('warehouse-metadata-newest');
    expect(runs.closest('a')).toHaveAttribute(
      'href',
      'https://argo.example.com/workflows/collate/warehouse-metadata-newest',
    );
    const rows = screen
      .getAllByRole('row')
      .map(r => r.textContent ?? '')
      .filter(t => t.includes('warehouse-metadata-'));
    expect(rows[0]).toContain('warehouse-metadata-newest');
    expect(rows[0]).toContain('1h 2m 5s');
    expect(rows[1]).toContain('warehouse-metadata-older');
    expect(screen.getAllByRole('button', { name: /^Logs of / })).toHaveLength(
      3,
    );
    expect(screen.getByText('Succeeded: 2')).toBeInTheDocument();
    expect(screen.getByText('in 30 minutes')).toBeInTheDocument();
    expect(screen.getByText('warehouse_metadata')).toBeInTheDocument();
    expect(screen.getByText('Degraded')).toBeInTheDocument();
  });

  it("Ingestion: 14 days of outcomes from Argo's archive, and where a location's runs were only counted live", async () => {
    const days = Array.from({ length: 14 }, (_, i) => ({
      date: new Date(Date.UTC(2026, 10, 22 + i)).toISOString().slice(0, 10),
      succeeded: 3,
      failed: i === 13 ? 2 : 0,
      medianDurationSeconds: 300,
      maxDurationSeconds: 420,
    }));
    const calls = await render(<CollateIngestionCard />, {
      history: {
        entityRef: 'system:default/collate-demo',
        days,
        sources: [
          { location: 'local/collate', source: 'archive', runs: 44 },
          {
            location: 'aks-2/team-c',
            source: 'live',
            runs: 0,
            note: 'No Argo server is annotated for this location: live workflows counted, without durations',
          },
        ],
      },
    });
    expect(
      await screen.findByRole('img', {
        name: 'Ingestion runs per day, 14 days: 42 succeeded, 2 failed',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        "local/collate: 44 runs from Argo's workflow archive · aks-2/team-c: 0 runs from live workflows. No Argo server is annotated for this location: live workflows counted, without durations",
      ),
    ).toBeInTheDocument();
    expect(calls).toContain('history system:default/collate-demo 14');
  });

  it('Ingestion: says which locations are read per view because the follow limit is reached', async () => {
    const line =
      'aks-2/team-c: not followed: limit reached: 50 namespaces are followed on cluster aks-2 (collate.status.followedNamespacesPerCluster), each viewed in the last 60 s; its workflows are read on each view';
    await render(<CollateIngestionCard />, {
      statuses: demoStatuses.map(st =>
        st.component === 'ingestion' ? { ...st, notFollowed: [line] } : st,
      ),
    });
    expect(await screen.findByText(line)).toBeInTheDocument();
  });

  it('shares one request per page view and refreshes one component on demand', async () => {
    const calls = await render(<CollateArgoCard />);
    await screen.findByText('v3.7.1');
    expect(calls).toEqual(['entity system:default/collate-demo']);
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await screen.findByText('v3.7.1');
    expect(calls).toEqual([
      'entity system:default/collate-demo',
      'component system:default/collate-demo argo',
    ]);
  });

  it('says in one line whom to ask when the policy refuses the status, and shows other errors as they are', async () => {
    const failure = async (status: number, name: string, message: string) =>
      ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: { name, message },
            response: { statusCode: status },
          }),
          { status, headers: { 'Content-Type': 'application/json' } },
        ) as any,
      );
    await render(<CollateRunnerCard />, {
      fail: await failure(
        403,
        'NotAllowedError',
        'Not allowed to read the Collate status',
      ),
    });
    expect(
      await screen.findByText(
        "You may not see this deployment's status: ask its owners (platform).",
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/NotAllowedError/)).not.toBeInTheDocument();

    await render(<CollateArgoCard />, {
      entity: named('collate-other'),
      fail: await failure(502, 'Error', 'Argo server unreachable'),
    });
    expect(
      (await screen.findAllByText(/Argo server unreachable/))[0],
    ).toBeInTheDocument();
  });

  it('explains which annotations to add when the entity does not describe the component', async () => {
    await render(<CollateRunnerCard />, {
      entity: {
        ...system,
        kind: 'Component',
        metadata: {
          name: 'x',
          annotations: {
            'collate.io/component': 'argo',
            'collate.io/kubernetes-cluster': 'local',
            'collate.io/argo-namespace': 'argo',
          },
        },
      },
    });
    const empty = await screen.findByText(/Missing Annotation/i);
    expect(empty).toBeInTheDocument();
    expect(
      within(document.body).getAllByText(/collate.io\/runner-agent-id/).length,
    ).toBeGreaterThan(0);
  });

  describe("the signed-in user's cluster token", () => {
    // What the Kubernetes plugin's frontend gives for an `oidc` cluster: the user's ID token of that provider.
    const authProviders: KubernetesAuthProvidersApi & { asked: string[] } = {
      asked: [],
      async decorateRequestBodyForAuth(provider, body) {
        this.asked.push(provider);
        return {
          ...body,
          auth: { ...body.auth, oidc: { corp: 'user-id-token' } },
        };
      },
      async getCredentials() {
        return { token: 'user-id-token' };
      },
    };
    beforeEach(() => {
      authProviders.asked = [];
    });

    it('is sent for a cluster whose auth provider is client-side', async () => {
      const calls = await render(<CollateArgoCard />, {
        clusters: [
          {
            name: 'local',
            authProvider: 'oidc',
            oidcTokenProvider: 'corp',
            clientSide: true,
          },
        ],
        authProviders,
      });
      expect(await screen.findByText('v3.7.1')).toBeInTheDocument();
      expect(authProviders.asked).toEqual(['oidc.corp']);
      expect(calls).toEqual([
        'entity system:default/collate-demo auth {"oidc":{"corp":"user-id-token"}}',
      ]);
    });

    it('is neither asked for nor sent when the backend has its own credential', async () => {
      const calls = await render(<CollateArgoCard />, {
        clusters: [{ name: 'local', authProvider: 'azure', clientSide: false }],
        authProviders,
      });
      expect(await screen.findByText('v3.7.1')).toBeInTheDocument();
      expect(authProviders.asked).toEqual([]);
      expect(calls).toEqual(['entity system:default/collate-demo']);
    });
  });
});
