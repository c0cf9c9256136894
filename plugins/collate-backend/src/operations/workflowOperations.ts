import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  COLLATE_ANNOTATIONS,
  readCollateAnnotations,
  type CollateWorkflowOperation,
  type CollateWorkflowOperationResult,
} from '@collate-backstage/plugin-collate-common';
import { normalizeUrl, type ArgoServerConfig } from '../config';

const WORKFLOW_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * Retry, resubmit, stop and terminate an ingestion workflow through the entity's Argo server
 * (`PUT /api/v1/workflows/{namespace}/{name}/{operation}`). Only workflows in the entity's own ingestion namespace
 * (`collate.io/namespace`), on an Argo server listed under `collate.argo.servers`.
 */
export class WorkflowOperations {
  private readonly servers: Map<string, ArgoServerConfig>;

  constructor(
    servers: ArgoServerConfig[],
    private readonly timeoutMs = 15_000,
  ) {
    this.servers = new Map(servers.map(s => [s.url, s]));
  }

  async run(
    entity: { metadata: { annotations?: Record<string, string> } },
    workflow: string,
    operation: CollateWorkflowOperation,
  ): Promise<CollateWorkflowOperationResult> {
    const a = readCollateAnnotations(entity);
    if (!a.namespace)
      throw new InputError(
        `Add ${COLLATE_ANNOTATIONS.namespace}: the namespace of the entity's ingestion workflows`,
      );
    if (!a.argoServerUrl)
      throw new InputError(
        `Add ${COLLATE_ANNOTATIONS.argoServerUrl}: the Argo server that runs the entity's workflows`,
      );
    const server = this.servers.get(normalizeUrl(a.argoServerUrl));
    if (!server)
      throw new InputError(
        `${a.argoServerUrl} is not configured under collate.argo.servers in the backend`,
      );
    if (!WORKFLOW_NAME.test(workflow))
      throw new InputError(`'${workflow}' is not a workflow name`);
    const namespace = a.namespace;
    const url = `${server.baseUrl}/api/v1/workflows/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(workflow)}/${operation}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/json',
          ...(server.token ? { Authorization: `Bearer ${server.token}` } : {}),
        },
        body: JSON.stringify({ name: workflow, namespace }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new ServiceUnavailableError(
        `Argo server ${a.argoServerUrl} did not answer: ${
          (e as Error).message
        }`,
      );
    }
    const body = (await res.json().catch(() => ({}))) as {
      message?: string;
      metadata?: { name?: string; labels?: Record<string, string> };
      status?: { phase?: string };
    };
    if (res.status === 404)
      throw new NotFoundError(
        `No workflow ${workflow} in namespace ${namespace}`,
      );
    if (!res.ok)
      // Argo answers 400 or 500 for a workflow in the wrong state ("Cannot retry a workflow in phase Running").
      throw new ConflictError(
        `Argo refused to ${operation} ${workflow}: ${
          body.message ?? `HTTP ${res.status}`
        }`,
      );
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
