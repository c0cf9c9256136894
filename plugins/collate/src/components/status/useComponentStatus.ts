import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type {
  CollateComponentKind,
  CollateComponentStatus,
} from '@collate-backstage/plugin-collate-common';
import { collateStatusApiRef, useUserAuth } from '../../api';

/** How often a card refreshes itself. */
export const REFRESH_INTERVAL_MS = 30_000;

export interface ComponentStatusState<T> {
  value?: T;
  error?: Error;
  loading: boolean;
  refresh: () => void;
}

/**
 * The status of one component of the current entity: the first load shares the page's entity request, later
 * refreshes (every 30 s, or on demand) ask for this component only.
 */
export function useComponentStatus<T extends CollateComponentStatus>(
  component: CollateComponentKind,
  intervalMs = REFRESH_INTERVAL_MS,
): ComponentStatusState<T> {
  const api = useApi(collateStatusApiRef);
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const userAuth = useUserAuth();
  const [state, setState] = useState<Omit<ComponentStatusState<T>, 'refresh'>>({
    loading: true,
  });
  const loaded = useRef(false);
  const alive = useRef(true);

  const load = useCallback(async () => {
    setState(s => ({ ...s, loading: true }));
    try {
      let value: CollateComponentStatus | undefined;
      const auth = await userAuth(entity);
      if (!loaded.current) {
        const all = await api.getEntityStatus(entityRef, auth);
        value = all.components.find(c => c.component === component);
        if (!value) {
          throw new Error(`${entityRef} has no Collate ${component} status`);
        }
      } else {
        value = await api.getComponentStatus(entityRef, component, auth);
      }
      loaded.current = true;
      if (alive.current) setState({ value: value as T, loading: false });
    } catch (error) {
      if (alive.current) {
        setState(s => ({ ...s, error: error as Error, loading: false }));
      }
    }
  }, [api, entity, entityRef, component, userAuth]);

  useEffect(() => {
    alive.current = true;
    loaded.current = false;
    void load();
    const timer = setInterval(() => void load(), intervalMs);
    return () => {
      alive.current = false;
      clearInterval(timer);
    };
  }, [load, intervalMs]);

  return { ...state, refresh: () => void load() };
}
