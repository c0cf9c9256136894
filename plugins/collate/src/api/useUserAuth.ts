import { useCallback } from 'react';
import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { kubernetesAuthProvidersApiRef } from '@backstage/plugin-kubernetes-react';
import { COLLATE_ANNOTATIONS } from '@collate-backstage/plugin-collate-common';
import { collateStatusApiRef, type CollateUserAuth } from './CollateStatusApi';

/**
 * The signed-in user's token for the entity's cluster when its auth provider is client-side (`oidc`, `aks`,
 * `google`), obtained exactly as the Kubernetes plugin's frontend does (its `kubernetesAuthProvidersApi`, which a
 * portal with client-side cluster auth already has). Empty for server-side providers: the backend uses its own.
 */
export function useUserAuth(): (entity: Entity) => Promise<CollateUserAuth> {
  const api = useApi(collateStatusApiRef);
  const authProviders = useApiHolder().get(kubernetesAuthProvidersApiRef);
  return useCallback(
    async (entity: Entity) => {
      const name = entity.metadata.annotations?.[COLLATE_ANNOTATIONS.cluster];
      if (!name || !authProviders) return {};
      const cluster = (await api.getClusters()).find(c => c.name === name);
      if (!cluster?.clientSide) return {};
      const provider =
        cluster.authProvider === 'oidc'
          ? `oidc.${cluster.oidcTokenProvider}`
          : cluster.authProvider;
      const body = await authProviders.decorateRequestBodyForAuth(provider, {
        entity,
      });
      return (body.auth ?? {}) as CollateUserAuth;
    },
    [api, authProviders],
  );
}
