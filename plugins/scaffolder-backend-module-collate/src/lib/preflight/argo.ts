import {
  COLLATE_GUIDE_CHART_PINS,
  openMetadataVersionOfImageTag,
} from '@collate-backstage/plugin-collate-common';
import { argoSupportRefusal } from '@collate-backstage/plugin-collate-node';
import { findArgoControllers } from '../argoControllers';
import type { PreflightCheckDefinition } from './check';

/**
 * Every Argo Workflows controller already in the cluster, with its version. The ones in `argoNamespace`, where the
 * deployment's ingestion will run (every one when it is not given), are judged against the Argo lines the Collate
 * version to be deployed is known to run with (`argoSupportRefusal`; the guides' pin when no version is given).
 */
export const argoCheck: PreflightCheckDefinition = {
  name: 'argo',
  unreachable: 'warn',
  applies: () => true,
  async run({ kubeConfig, input }) {
    const collate =
      openMetadataVersionOfImageTag(input.collateVersion) ??
      COLLATE_GUIDE_CHART_PINS.openmetadata;
    const found = await findArgoControllers(kubeConfig);
    if (found.length === 0) {
      return {
        name: 'argo',
        status: 'pass',
        reason: 'no Argo Workflows installed; it will be installed',
      };
    }
    const list = found
      .map(f => `${f.version} (${f.namespace}/${f.name})`)
      .join(', ');
    const judged = input.argoNamespace
      ? found.filter(f => f.namespace === input.argoNamespace)
      : found;
    const refusals = [
      ...new Set(
        judged.flatMap(f => argoSupportRefusal(collate, f.version) ?? []),
      ),
    ];
    return refusals.length === 0
      ? {
          name: 'argo',
          status: 'pass',
          reason: `Argo Workflows found: ${list}`,
        }
      : {
          name: 'argo',
          status: 'warn',
          reason: `Argo Workflows found: ${list}. ${refusals.join('. ')}`,
        };
  },
};
