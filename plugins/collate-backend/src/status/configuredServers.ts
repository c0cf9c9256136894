import { COLLATE_ANNOTATIONS } from '@collate-backstage/plugin-collate-common';
import {
  findCollateServer,
  normalizeUrl,
  type CollateServerConfig,
} from '@collate-backstage/plugin-collate-node';
import type { ArgoServerConfig, StatusConfig } from '../config';
import type { Findings } from './findings';

/**
 * The Argo and Collate servers of the backend's configuration, by the URL an entity's annotations give. An
 * annotation naming a server the configuration does not list is a configuration failure, with the key to add.
 */
export class ConfiguredServers {
  private readonly argo: Map<string, ArgoServerConfig>;
  private readonly collate: CollateServerConfig[];

  constructor(config: StatusConfig) {
    this.argo = new Map(config.argoServers.map(s => [s.url, s]));
    this.collate = config.collateServers;
  }

  /** The Collate server of `collate.io/server-url`; without the annotation the component is unknown. */
  collateFor(serverUrl: string | undefined, f: Findings) {
    if (!serverUrl) {
      f.judge(
        'unknown',
        `Add ${COLLATE_ANNOTATIONS.serverUrl}: Collate validates this component`,
      );
      return undefined;
    }
    const server = findCollateServer(this.collate, serverUrl);
    if (!server) {
      f.fail(
        'collate',
        `${serverUrl} is not configured under collate.servers in the backend`,
        'collate.servers',
      );
    }
    return server;
  }

  /** The Argo server of `collate.io/argo-server-url`, when annotated. */
  argoFor(argoServerUrl: string | undefined, f: Findings) {
    if (!argoServerUrl) return undefined;
    const server = this.argo.get(normalizeUrl(argoServerUrl));
    if (!server) {
      f.fail(
        'argo',
        `${argoServerUrl} is not configured under collate.argo.servers in the backend`,
        'collate.argo.servers',
      );
    }
    return server;
  }

  /** An Argo server by URL, without judging (links of an ingestion location). */
  argoByUrl(url: string): ArgoServerConfig | undefined {
    return this.argo.get(normalizeUrl(url));
  }
}
