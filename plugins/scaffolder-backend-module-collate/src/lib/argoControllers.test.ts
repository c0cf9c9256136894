import { serviceUrlNamespace } from './argoControllers';

describe('serviceUrlNamespace', () => {
  it.each([
    ['http://argo-workflows-server.argo-workflows:2746', 'argo-workflows'],
    ['http://argo-workflows-server.argo-workflows:2746/', 'argo-workflows'],
    ['http://argo-server.argo.svc:2746', 'argo'],
    ['https://argo-server.argo.svc.cluster.local:2746', 'argo'],
    ['http://argo-server:2746', 'collate'],
  ])('%s is in namespace %s', (url, namespace) =>
    expect(serviceUrlNamespace(url, 'collate')).toBe(namespace),
  );

  it.each([
    'http://10.0.0.12:2746',
    'http://[fd00::1]:2746',
    'https://argo.example.com',
    'not a url',
  ])('%s is no cluster service', url =>
    expect(serviceUrlNamespace(url, 'collate')).toBeUndefined(),
  );
});
