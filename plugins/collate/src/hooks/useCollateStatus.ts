import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type {
  CollateComponentKind,
  CollateComponentStatus,
  CollateEntityStatus,
} from '@collate-backstage/plugin-collate-common';
import { collateStatusApiRef, useUserAuth } from '../api';

/** How often a card refreshes itself. */
export const REFRESH_INTERVAL_MS = 30_000;

/** A status as a card holds it: the last value read, the last error (the value stays), and a refresh. */
export interface CollateStatusState<T> {
  value?: T;
  error?: Error;
  loading: boolean;
  refresh: () => void;
}

/**
 * The status of the current entity, refreshed every 30 s or on demand: every component (no argument, the overview),
 * or one component (a card). A card's first load shares the page's entity request; its later refreshes ask for its
 * component only. The signed-in user's cluster tokens go along for clusters that need them.
 */
export function useCollateStatus(
  component?: undefined,
  intervalMs?: number,
): CollateStatusState<CollateEntityStatus>;
export function useCollateStatus<T extends CollateComponentStatus>(
  component: CollateComponentKind,
  intervalMs?: number,
): CollateStatusState<T>;
export function useCollateStatus(
  component?: CollateComponentKind,
  intervalMs = REFRESH_INTERVAL_MS,
): CollateStatusState<CollateEntityStatus | CollateComponentStatus> {
  const api = useApi(collateStatusApiRef);
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const userAuth = useUserAuth();
  const [state, setState] = useState<
    Omit<
      CollateStatusState<CollateEntityStatus | CollateComponentStatus>,
      'refresh'
    >
  >({ loading: true });
  const loaded = useRef(false);
  const alive = useRef(true);

  const load = useCallback(async () => {
    setState(s => ({ ...s, loading: true }));
    try {
      const auth = await userAuth(entity);
      let value: CollateEntityStatus | CollateComponentStatus | undefined;
      if (!component) {
        value = await api.getEntityStatus(entityRef, auth);
      } else if (!loaded.current) {
        const all = await api.getEntityStatus(entityRef, auth);
        value = all.components.find(c => c.component === component);
        if (!value) {
          throw new Error(`${entityRef} has no Collate ${component} status`);
        }
      } else {
        value = await api.getComponentStatus(entityRef, component, auth);
      }
      loaded.current = true;
      if (alive.current) setState({ value, loading: false });
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
