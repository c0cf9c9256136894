import { describeActionInput } from '../__testUtils__/actionInput';
import {
  cpuCores,
  judgeMysql,
  judgePostgres,
  judgeSearch,
  memoryGi,
} from '../lib/preflight';

describe('preflight judgements', () => {
  it('reads Kubernetes quantities', () => {
    expect(cpuCores('4')).toBe(4);
    expect(cpuCores('3920m')).toBeCloseTo(3.92);
    expect(memoryGi('16Gi')).toBe(16);
    expect(memoryGi('16374584Ki')).toBeCloseTo(15.6, 1);
    expect(memoryGi(undefined)).toBe(0);
  });

  it('needs MySQL 8.0 or later with sql_generate_invisible_primary_key OFF (guide 000 known issue)', () => {
    expect(judgeMysql('8.0.36', 'OFF').status).toBe('pass');
    expect(judgeMysql('8.0.36', 'ON')).toMatchObject({
      status: 'fail',
      reason: expect.stringContaining('sql_generate_invisible_primary_key ON'),
    });
    expect(judgeMysql('5.7.44-log', null).status).toBe('fail');
    expect(judgeMysql('8.4.0', null).status).toBe('pass');
  });

  it('needs PostgreSQL 12 or later', () => {
    expect(judgePostgres('15.18 (Debian 15.18-0+deb12u1)').status).toBe('pass');
    expect(judgePostgres('11.22').status).toBe('fail');
  });

  it('knows the supported search engines', () => {
    expect(judgeSearch('opensearch', '3.4.0')).toEqual({
      name: 'search',
      status: 'pass',
      reason: 'OpenSearch 3.4.0',
    });
    expect(judgeSearch('opensearch', '2.19.1').status).toBe('warn');
    expect(judgeSearch('elasticsearch', '9.3.0').status).toBe('pass');
    expect(judgeSearch('elasticsearch', '8.17.0').status).toBe('warn');
  });
});

describeActionInput('collate:preflight');
