import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  COLLATE_ACTION_IDS,
  type CollateDeployAccess,
} from '@collate-backstage/plugin-collate-common';
import { collateStatusApiRef } from '../../api';
import { statusApi } from '../../testing/statusApi';
import { DeployAccessField } from './DeployAccessField';

async function renderField(
  options: { access?: CollateDeployAccess; fail?: Error } = {},
) {
  const { api, calls } = statusApi([], options);
  const onChange = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[collateStatusApiRef, api]]}>
      <DeployAccessField {...({ onChange } as any)} />
    </TestApiProvider>,
  );
  return { onChange, calls };
}

describe('DeployAccessField', () => {
  it('lets a deployer go on', async () => {
    const { onChange, calls } = await renderField();

    expect(
      await screen.findByText(/You may run this template/),
    ).toBeInTheDocument();
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith(true));
    expect(calls).toEqual(['access']);
  });

  it('tells anyone else why not and whom to ask, and holds the form', async () => {
    const { onChange } = await renderField({
      access: {
        allowed: false,
        refusedActions: ['collate:deploy', 'collate:argo:install'],
        deployers: ['group:default/platform-team'],
      },
    });

    expect(
      await screen.findByText(/You may not run this template/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /refuses you the Collate actions collate:deploy, collate:argo:install, which the Collate templates run\. Only members of group:default\/platform-team may run them; ask them/,
      ),
    ).toBeInTheDocument();
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith(false));
  });

  it('says when no deployer group is configured, and every action in one word', async () => {
    await renderField({
      access: {
        allowed: false,
        refusedActions: [...COLLATE_ACTION_IDS],
        deployers: [],
      },
    });
    expect(
      await screen.findByText(
        /refuses you every Collate action \(collate:\*\)/,
      ),
    ).toBeInTheDocument();

    expect(
      await screen.findByText(/No group is configured as a Collate deployer/),
    ).toBeInTheDocument();
  });

  it('leaves the decision to the scaffolder when the question fails', async () => {
    const { onChange } = await renderField({ fail: new Error('HTTP 502') });

    expect(
      await screen.findByText(
        /Could not ask whether you may run the Collate templates/,
      ),
    ).toBeInTheDocument();
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith(true));
  });
});
