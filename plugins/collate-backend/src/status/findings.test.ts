import { Findings, judgeDeployment } from './findings';

describe('Findings', () => {
  it('keeps the worst verdict and the reasons of everything not healthy', () => {
    const f = new Findings();
    f.judge('healthy', 'not said');
    f.judge('degraded', 'Pull secret expires in 30 min');
    judgeDeployment(
      f,
      'Server',
      { name: 's', namespace: 'c', ready: 0, desired: 2 },
      'gone',
    );
    expect(f.result()).toMatchObject({
      health: 'unhealthy',
      reason: 'Pull secret expires in 30 min; Server: 0 of 2 pods ready',
      errors: [],
    });
  });

  it('is unknown when a source failed, unless what answered already shows it unhealthy', () => {
    const f = new Findings();
    f.judge('degraded', 'one replica');
    expect(f.take('argo', { ok: false, error: 'connect ECONNREFUSED' })).toBe(
      undefined,
    );
    expect(f.result()).toMatchObject({
      health: 'unknown',
      reason: 'one replica; Argo server: connect ECONNREFUSED',
      errors: [{ source: 'argo', message: 'connect ECONNREFUSED' }],
    });
    const broken = new Findings();
    broken.judge('unhealthy', 'no Deployment');
    broken.fail('collate', 'timeout');
    expect(broken.result().health).toBe('unhealthy');
  });

  it('names missing configuration briefly, and lets an operator notice explain failures', () => {
    const f = new Findings();
    f.take('kubernetes', {
      ok: false,
      error:
        "Cluster 'x' is not configured under kubernetes.clusterLocatorMethods",
    });
    expect(f.result().reason).toBe(
      'Kubernetes: not configured (kubernetes.clusterLocatorMethods)',
    );
    expect(f.result('local demo environment starting').reason).toBe(
      'local demo environment starting',
    );
  });
});
