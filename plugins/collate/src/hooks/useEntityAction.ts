import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { collateStatusApiRef, type CollateStatusApi } from '../api';

/**
 * What a card's action on the current entity needs: the entity and its ref, the backend API, whether an action is
 * under way, and `perform`, which runs one and says how it went in an alert (the outcome, or the backend's error).
 */
export function useEntityAction() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(collateStatusApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);

  /** Runs `action`; true when it succeeded. */
  const perform = async <T>(
    action: (api: CollateStatusApi) => Promise<T>,
    outcome: (result: T) => { message: string; severity?: 'success' | 'info' },
    failure: string,
  ): Promise<boolean> => {
    setBusy(true);
    try {
      const said = outcome(await action(api));
      alertApi.post({
        message: said.message,
        severity: said.severity ?? 'success',
        display: 'transient',
      });
      return true;
    } catch (e) {
      alertApi.post({
        message: `${failure}: ${(e as Error).message}`,
        severity: 'error',
      });
      return false;
    } finally {
      setBusy(false);
    }
  };

  return { entity, entityRef, busy, perform };
}
