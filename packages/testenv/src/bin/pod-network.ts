// Starts the local control plane's pod network (see ../podNetwork.ts); started and stopped by
// scripts/testenv/kubernetes.sh.
//   node --require @backstage/cli/config/nodeTransform.cjs packages/testenv/src/bin/pod-network.ts <socket> <kubeconfig> \
//     [<kubelet cert> <kubelet key>]
import { startPodNetwork } from '../podNetwork';

async function main() {
  const [socketPath, kubeconfigPath, certPath, keyPath] = process.argv.slice(2);
  if (!socketPath || !kubeconfigPath)
    throw new Error(
      'usage: pod-network.ts <socket> <kubeconfig> [<kubelet cert> <kubelet key>]',
    );
  const network = await startPodNetwork({
    socketPath,
    kubeconfigPath,
    ...(certPath && keyPath ? { kubeletTls: { certPath, keyPath } } : {}),
    log: line => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(`listening on ${socketPath}\n`);
  const stop = () => network.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(e => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
