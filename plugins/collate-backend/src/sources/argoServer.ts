import type { ArgoServerConfig } from '../config';
import { getJson } from '@collate-backstage/plugin-collate-node';

/** The Argo server's REST API (`--auth-mode=server`, or `client` with a configured token). */
export class ArgoServerSource {
  /** `GET /api/v1/version`: the server's version, e.g. `v3.7.1`. */
  async version(server: ArgoServerConfig, signal: AbortSignal) {
    const body = await getJson<{ version: string }>(
      'Argo server',
      `${server.baseUrl}/api/v1/version`,
      { token: server.token, signal },
    );
    return body.version;
  }
}

/** Links into the Argo UI for a workflow and its logs. */
export function argoLinks(
  server: ArgoServerConfig,
  namespace: string,
  name: string,
) {
  const url = `${server.uiUrl}/workflows/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}`;
  return { url, logsUrl: `${url}?tab=workflow&sidePanel=logs` };
}
