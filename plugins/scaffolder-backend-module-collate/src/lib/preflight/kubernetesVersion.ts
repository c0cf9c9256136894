import { VersionApi } from '@kubernetes/client-node';
import { REQUIREMENTS, type PreflightCheckDefinition } from './check';

/** The cluster's Kubernetes version against the guide's minimum for the target. */
export const kubernetesVersionCheck: PreflightCheckDefinition = {
  name: 'kubernetes-version',
  unreachable: 'fail',
  applies: () => true,
  async run({ input, kubeConfig }) {
    const v = await kubeConfig.makeApiClient(VersionApi).getCode();
    const major = Number(v.major);
    const minor = Number(String(v.minor).replace(/\D.*$/, ''));
    const [rMajor, rMinor] = REQUIREMENTS[input.target].kubernetes;
    const ok = major > rMajor || (major === rMajor && minor >= rMinor);
    return {
      name: 'kubernetes-version',
      status: ok ? 'pass' : 'fail',
      reason: `Kubernetes ${v.gitVersion}${
        ok
          ? ''
          : `; ${
              input.target === 'runner' ? 'the Hybrid Runner' : 'Collate'
            } needs ${rMajor}.${rMinor} or later`
      }`,
    };
  },
};
