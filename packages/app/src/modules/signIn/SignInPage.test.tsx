import { screen } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { configApiRef, discoveryApiRef } from '@backstage/core-plugin-api';
import { ConfigReader } from '@backstage/config';
import { PortalSignInPage } from './SignInPage';
import { oidcAuthApiRef } from './oidc';

// Only what the page asks of the OIDC API before a button is pressed (no session yet); the real sign-in through a
// real provider is production.test.mjs's.
const noSession = {
  getBackstageIdentity: async () => undefined,
  getProfile: async () => undefined,
  getIdToken: async () => '',
  signIn: async () => {},
  signOut: async () => {},
  sessionState$: () => ({ subscribe: () => ({ unsubscribe() {} }) }),
} as any;

const render = (auth: object) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [
          configApiRef,
          new ConfigReader({
            app: { title: 'Portal' },
            backend: { baseUrl: 'http://localhost:7007' },
            auth,
          }),
        ],
        [discoveryApiRef, mockApis.discovery()],
        [oidcAuthApiRef, noSession],
      ]}
    >
      <PortalSignInPage onSignInSuccess={() => {}} />
    </TestApiProvider>,
  );

describe('the portal sign-in page', () => {
  it('offers single sign-on, and no guest, outside development', async () => {
    await render({ environment: 'production' });

    expect(
      await screen.findByText('Sign in with your organization account'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/guest/i)).not.toBeInTheDocument();
  });

  it('offers guest in development (the default of app-config.yaml)', async () => {
    await render({});

    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(
      screen.queryByText('Sign in with your organization account'),
    ).not.toBeInTheDocument();
  });
});
