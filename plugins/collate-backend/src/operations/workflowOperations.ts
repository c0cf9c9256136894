import { InputError } from '@backstage/errors';
import type { Entity } from '@backstage/catalog-model';
import { fetchUpstream, operationFailure } from './operationFailure';
import {
  COLLATE_ANNOTATIONS,
  readIngestionLocations,
  type CollateWorkflowOperation,
  type CollateWorkflowOperationResult,
} from '@collate-backstage/plugin-collate-common';
import { normalizeUrl } from '@collate-backstage/plugin-collate-node';
import type { ArgoServerConfig } from '../config';
import type { NamespaceMarkers } from '../auth/namespaceMarker';

const WORKFLOW_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * Retry, resubmit, stop and terminate an ingestion workflow, and read its logs, through the Argo server of the
 * ingestion location it runs in (`PUT /api/v1/workflows/{namespace}/{name}/{operation}`). Only workflows in one of
 * the entity's own ingestion locations, on an Argo server listed under `collate.argo.servers`; the operations only in
 * a namespace that carries the entity's deployment marker ({@link NamespaceMarkers}).
 */
export class WorkflowOperations {
  private readonly servers: Map<string, ArgoServerConfig>;

  constructor(
    servers: ArgoServerConfig[],
    private readonly markers: NamespaceMarkers,
    private readonly timeoutMs = 15_000,
  ) {
    this.servers = new Map(servers.map(s => [s.url, s]));
  }

  /**
   * Where a workflow of the entity runs: the ingestion location (`collate.io/kubernetes-cluster` + `namespace`, or
   * one of `collate.io/ingestion-locations`) named by `where`, else the entity's own; its Argo server must be listed
   * under `collate.argo.servers`. InputError otherwise, and for a name that is not a workflow's.
   */
  private target(
    entity: { metadata: { annotations?: Record<string, string> } },
    workflow: string,
    where: { cluster?: string; namespace?: string } = {},
  ) {
    const { locations } = readIngestionLocations(entity);
    if (locations.length === 0)
      throw new InputError(
        `Add ${COLLATE_ANNOTATIONS.cluster} and ${COLLATE_ANNOTATIONS.namespace}: where the entity's ingestion workflows run`,
      );
    const location =
      where.cluster || where.namespace
        ? locations.find(
            l =>
              (!where.cluster || l.cluster === where.cluster) &&
              (!where.namespace || l.namespace === where.namespace),
          )
        : locations[0];
    if (!location)
      throw new InputError(
        `${where.cluster ?? '*'}/${
          where.namespace ?? '*'
        } is not one of the entity's ingestion locations (${locations
          .map(l => `${l.cluster}/${l.namespace}`)
          .join(', ')})`,
      );
    if (!location.argoServerUrl)
      throw new InputError(
        `Add ${COLLATE_ANNOTATIONS.argoServerUrl} (or =<url> in ${COLLATE_ANNOTATIONS.ingestionLocations}): the Argo server that runs the workflows of ${location.cluster}/${location.namespace}`,
      );
    const server = this.servers.get(normalizeUrl(location.argoServerUrl));
    if (!server)
      throw new InputError(
        `${location.argoServerUrl} is not configured under collate.argo.servers in the backend`,
      );
    if (!WORKFLOW_NAME.test(workflow))
      throw new InputError(`'${workflow}' is not a workflow name`);
    return {
      server,
      cluster: location.cluster,
      namespace: location.namespace,
      argoServerUrl: location.argoServerUrl,
    };
  }

  /**
   * Streams the `main` container logs of a workflow's pods from its Argo server
   * (`GET /api/v1/workflows/{namespace}/{name}/log`, newline-delimited JSON), as text lines: a step's pod name in
   * front of its lines when it is not the workflow's own. Stops after `maxBytes` (saying so), after `followMs` when
   * following, or when `signal` aborts (the client went away). Errors before the first line are thrown; later ones
   * end the text with a line saying what happened.
   */
  async streamLogs(
    entity: { metadata: { annotations?: Record<string, string> } },
    workflow: string,
    options: {
      where?: { cluster?: string; namespace?: string };
      follow: boolean;
      maxBytes: number;
      followMs: number;
      signal: AbortSignal;
      write: (text: string) => void;
    },
  ): Promise<{ bytes: number; truncated: boolean }> {
    const { server, namespace, argoServerUrl } = this.target(
      entity,
      workflow,
      options.where,
    );
    const query = new URLSearchParams({ 'logOptions.container': 'main' });
    if (options.follow) query.set('logOptions.follow', 'true');
    const url = `${server.baseUrl}/api/v1/workflows/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(workflow)}/log?${query}`;
    const upstream = AbortSignal.any([
      options.signal,
      AbortSignal.timeout(options.follow ? options.followMs : this.timeoutMs),
    ]);
    const res = await fetchUpstream(
      url,
      {
        headers: server.token
          ? { Authorization: `Bearer ${server.token}` }
          : {},
        signal: upstream,
      },
      `Argo server ${argoServerUrl} did not answer`,
    );
    if (!res.ok || !res.body) {
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      throw operationFailure(res.status, {
        unreachable: '',
        notFound: `No workflow ${workflow} in namespace ${namespace}`,
        refused: `Argo could not read the logs of ${workflow}: ${
          body.message ?? `HTTP ${res.status}`
        }`,
      });
    }
    let bytes = 0;
    let truncated = false;
    const emit = (line: string) => {
      const size = Buffer.byteLength(line);
      if (bytes + size > options.maxBytes) {
        truncated = true;
        options.write(
          `… log cut at ${options.maxBytes} bytes (collate.status.logs.maxBytes); the full log is in the Argo UI\n`,
        );
        return false;
      }
      bytes += size;
      options.write(line);
      return true;
    };
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
          if (!line) continue;
          const entry = JSON.parse(line) as {
            result?: { content?: string; podName?: string };
            error?: { message?: string };
          };
          const text = entry.error
            ? `[Argo] ${entry.error.message ?? 'error'}\n`
            : `${
                entry.result?.podName && entry.result.podName !== workflow
                  ? `${entry.result.podName}: `
                  : ''
              }${entry.result?.content ?? ''}\n`;
          if (!emit(text)) return { bytes, truncated };
        }
      }
    } catch (e) {
      if (!options.signal.aborted)
        options.write(
          upstream.aborted
            ? `… stopped following after ${Math.round(
                options.followMs / 1000,
              )} s (collate.status.logs.followSeconds)\n`
            : `… the log stream ended: ${(e as Error).message}\n`,
        );
    } finally {
      await reader.cancel().catch(() => {});
    }
    return { bytes, truncated };
  }

  async run(
    entity: Entity,
    workflow: string,
    operation: CollateWorkflowOperation,
    where: { cluster?: string; namespace?: string } = {},
  ): Promise<CollateWorkflowOperationResult> {
    const { server, cluster, namespace, argoServerUrl } = this.target(
      entity,
      workflow,
      where,
    );
    await this.markers.assertMarked(entity, { cluster, namespace });
    const url = `${server.baseUrl}/api/v1/workflows/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(workflow)}/${operation}`;
    const res = await fetchUpstream(
      url,
      {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/json',
          ...(server.token ? { Authorization: `Bearer ${server.token}` } : {}),
        },
        body: JSON.stringify({ name: workflow, namespace }),
        signal: AbortSignal.timeout(this.timeoutMs),
      },
      `Argo server ${argoServerUrl} did not answer`,
    );
    const body = (await res.json().catch(() => ({}))) as {
      message?: string;
      metadata?: { name?: string; labels?: Record<string, string> };
      status?: { phase?: string };
    };
    if (!res.ok)
      // Argo answers 400 or 500 for a workflow in the wrong state ("Cannot retry a workflow in phase Running").
      throw operationFailure(res.status, {
        unreachable: '',
        notFound: `No workflow ${workflow} in namespace ${namespace}`,
        refused: `Argo refused to ${operation} ${workflow}: ${
          body.message ?? `HTTP ${res.status}`
        }`,
      });
    const phase =
      body.metadata?.labels?.['workflows.argoproj.io/phase'] ??
      body.status?.phase;
    return {
      workflow: body.metadata?.name ?? workflow,
      namespace,
      ...(phase ? { phase } : {}),
    };
  }
}
