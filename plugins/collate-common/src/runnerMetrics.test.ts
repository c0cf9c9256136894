import { readGauges } from './runnerMetrics';

describe('readGauges', () => {
  it('reads the named gauges, preferring the unlabelled sample', () => {
    const text = [
      '# HELP collate_hybrid_agent_connected Whether the hybrid agent is connected',
      '# TYPE collate_hybrid_agent_connected gauge',
      'collate_hybrid_agent_connected{instance="a"} 0',
      'collate_hybrid_agent_connected 1',
      'collate_hybrid_agent_connected_total 7',
      'process_cpu_seconds_total 12.5',
      '',
    ].join('\n');
    expect(
      readGauges(text, [
        'collate_hybrid_agent_connected',
        'process_cpu_seconds_total',
        'absent',
      ]),
    ).toEqual({
      collate_hybrid_agent_connected: 1,
      process_cpu_seconds_total: 12.5,
    });
  });

  it('takes the first labelled sample when there is no unlabelled one', () => {
    expect(readGauges('g{a="1"} 3\ng{a="2"} 4\n', ['g'])).toEqual({ g: 3 });
  });
});
