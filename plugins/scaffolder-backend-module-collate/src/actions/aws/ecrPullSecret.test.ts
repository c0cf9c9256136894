import {
  describeActionInput,
  DNS_LABEL_BAD,
  DNS_SUBDOMAIN_BAD,
  HOSTILE,
  vary,
} from '../../__testUtils__/actionInput';

describeActionInput('collate:aws:ecr:pull-secret', {
  valid: { cluster: 'aks-prod', namespace: 'collate' },
  cases: [
    ...vary('cluster', HOSTILE),
    ...vary('namespace', DNS_LABEL_BAD),
    ...vary('secretName', DNS_SUBDOMAIN_BAD),
    ...vary('registry', [
      '',
      'docker.io',
      '118146679784.dkr.ecr.eu-west-1',
      '11814667978.dkr.ecr.eu-west-1.amazonaws.com',
      '118146679784.dkr.ecr.eu-west.amazonaws.com',
      'https://118146679784.dkr.ecr.eu-west-1.amazonaws.com',
      '118146679784.dkr.ecr.eu-west-1.amazonaws.com/repo',
      'a b',
      'ecr.aws',
      '118146679784.dkr.ecr.EU-WEST-1.amazonaws.com',
    ]),
  ],
});
