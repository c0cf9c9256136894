import {
  SignInPage,
  type SignInProviderConfig,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import type { SignInPageProps } from '@backstage/core-plugin-api';
import { oidcAuthApiRef } from './oidc';

const oidcProvider: SignInProviderConfig = {
  id: 'oidc-auth-provider',
  title: 'Single sign-on',
  message: 'Sign in with your organization account',
  apiRef: oidcAuthApiRef,
};

/**
 * The portal's sign-in page: single sign-on through the OpenID Connect provider; guest only where
 * `auth.environment` is `development` (the default of app-config.yaml), never in production.
 */
export function PortalSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const environment =
    config.getOptionalString('auth.environment') ?? 'development';
  const providers =
    environment === 'development'
      ? (['guest'] as const)
      : ([oidcProvider] as const);
  return <SignInPage {...props} providers={[...providers]} />;
}
