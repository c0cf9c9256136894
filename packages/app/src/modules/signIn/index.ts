import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { oidcAuthApi } from './oidc';

/** Replaces the app's guest-only sign-in page: see PortalSignInPage. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    oidcAuthApi,
    SignInPageBlueprint.make({
      params: {
        loader: async () => {
          const { PortalSignInPage } = await import('./SignInPage');
          return PortalSignInPage;
        },
      },
    }),
  ],
});
