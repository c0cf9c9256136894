import {
  COLLATE_ANNOTATIONS,
  imageTagVersion,
  metaflowServicesFor,
  replicaHealth,
  type CollateMetaflowDatastore,
  type CollateMetaflowService,
  type CollateMetaflowStatus,
} from '@collate-backstage/plugin-collate-common';
import { isAllowedStorageHost } from '../../sources/blobContainer';
import { Findings, judgeDeployment } from '../findings';
import type { GradeContext, Grader } from './context';
import { deploymentStatus } from './release';

const ORCHESTRATORS = ['argo-workflows', 'airflow', 'none'] as const;

/**
 * Metaflow on Azure (guide 003): each service the stack deploys (metadata service with its migrations, UI backend,
 * static UI, and the orchestrator's), by its Deployment in the stack's namespace, and the datastore container's
 * reachability from the backend.
 */
export const gradeMetaflow: Grader<CollateMetaflowStatus> = async (ctx, a) => {
  const f = new Findings();
  const namespace = a.metaflowNamespace;
  const orchestrator = ORCHESTRATORS.find(o => o === a.metaflowOrchestrator);
  const [deployments, datastore] = await Promise.all([
    a.cluster && namespace
      ? ctx.reads.deployments(ctx.user, a.cluster, namespace, '')
      : undefined,
    a.metaflowDatastore
      ? gradeDatastore(ctx, f, a.metaflowDatastore)
      : undefined,
  ]);
  if (a.metaflowOrchestrator && !orchestrator)
    f.judge(
      'unknown',
      `${COLLATE_ANNOTATIONS.metaflowOrchestrator} '${
        a.metaflowOrchestrator
      }' is not one of ${ORCHESTRATORS.join(', ')}`,
    );
  const list = deployments && f.take('kubernetes', deployments);
  const services = list
    ? metaflowServicesFor(orchestrator).map(spec => {
        const found = list.find(d => d.name === spec.name);
        const deployment = deploymentStatus(found);
        judgeDeployment(
          f,
          spec.title,
          deployment,
          `${spec.title}: no Deployment ${spec.name} in namespace ${namespace}`,
        );
        const health = deployment ? replicaHealth(deployment) : 'unhealthy';
        const version = imageTagVersion(deployment?.image);
        const service: CollateMetaflowService = {
          name: spec.name,
          title: spec.title,
          part: spec.part,
          health,
          ...(deployment ? { deployment } : {}),
          ...(version ? { version } : {}),
          ...(found?.initContainers.includes('db-migrations')
            ? { migrations: deployment!.ready > 0 ? 'done' : 'pending' }
            : {}),
        };
        return service;
      })
    : undefined;
  return {
    component: 'metaflow',
    ...f.result(ctx.config.notice),
    ...(namespace ? { namespace } : {}),
    ...(orchestrator ? { orchestrator } : {}),
    ...(services ? { services } : {}),
    ...(datastore ? { datastore } : {}),
  };
};

/**
 * The datastore container, probed only on a host `collate.status.storageHosts` allows (an annotation cannot point
 * the backend at any other host). Reachable when Azure Storage answers, whatever it answers without credentials.
 */
async function gradeDatastore(
  ctx: GradeContext,
  f: Findings,
  url: string,
): Promise<CollateMetaflowDatastore> {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) {
    f.judge(
      'unknown',
      `${COLLATE_ANNOTATIONS.metaflowDatastore} is not a container URL`,
    );
    return { url, reachable: false, health: 'unknown' };
  }
  if (!isAllowedStorageHost(parsed.host, ctx.config.storageHosts)) {
    const error = `${parsed.host} is not a storage host this portal probes: ask its operators to add it to collate.status.storageHosts`;
    f.judge('unknown', `Datastore: ${error}`);
    return { url, reachable: false, error, health: 'unknown' };
  }
  const settled = await ctx.reads.blobContainer(url);
  if (!settled.ok) {
    f.judge('unhealthy', `Datastore unreachable: ${settled.error}`);
    return { url, reachable: false, error: settled.error, health: 'unhealthy' };
  }
  const answer = settled.value;
  if (!answer.fromStorage) {
    const error = `${parsed.host} answered HTTP ${answer.status}, but not as Azure Storage`;
    f.judge('unhealthy', `Datastore: ${error}`);
    return { url, reachable: false, error, health: 'unhealthy' };
  }
  return {
    url,
    reachable: true,
    answer: {
      status: answer.status,
      ...(answer.errorCode ? { errorCode: answer.errorCode } : {}),
    },
    health: 'healthy',
  };
}
