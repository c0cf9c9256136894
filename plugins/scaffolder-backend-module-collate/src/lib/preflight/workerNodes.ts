import { CoreV1Api } from '@kubernetes/client-node';
import { REQUIREMENTS, type PreflightCheckDefinition } from './check';

/** Kubernetes quantities as numbers: cpu in cores. */
export function cpuCores(q: string | undefined): number {
  if (!q) return 0;
  return q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);
}

/** Kubernetes quantities as numbers: memory in GiB. */
export function memoryGi(q: string | undefined): number {
  if (!q) return 0;
  const m = q.match(/^(\d+(?:\.\d+)?)([KMGTE]i?|[kmgte])?$/);
  if (!m) return 0;
  const factor: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return (Number(m[1]) * (m[2] ? factor[m[2]] ?? 1 : 1)) / 2 ** 30;
}

/** Schedulable workers with the guide's vCPU and memory (allocatable, with some slack for the system's share). */
export const workerNodesCheck: PreflightCheckDefinition = {
  name: 'worker-nodes',
  unreachable: 'warn',
  applies: () => true,
  async run({ input, kubeConfig }) {
    const req = REQUIREMENTS[input.target];
    const nodes = await kubeConfig
      .makeApiClient(CoreV1Api)
      .listNode({ limit: 500 });
    const workers = nodes.items.filter(
      n =>
        !(
          'node-role.kubernetes.io/control-plane' in (n.metadata?.labels ?? {})
        ) && !n.spec?.unschedulable,
    );
    const sized = workers.filter(
      n =>
        cpuCores(n.status?.allocatable?.cpu) >= req.cpu * 0.9 &&
        memoryGi(n.status?.allocatable?.memory) >= req.memoryGi * 0.85,
    );
    const ok = sized.length >= req.workers;
    return {
      name: 'worker-nodes',
      status: ok ? 'pass' : 'warn',
      reason: `${sized.length} of ${workers.length} worker nodes have at least ${req.cpu} vCPU and ${req.memoryGi} GiB; the guide asks for ${req.workers}`,
    };
  },
};
