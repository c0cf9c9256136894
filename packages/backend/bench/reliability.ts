// `scripts/bench reliability [kills] [seed]`: the replica test's crash runs with many kills per topology, then the
// concurrency and fault scenarios once each, on two replicas of the backend (PostgreSQL, Redis, a round-robin load
// balancer). Prints every run as it ends, then the tables.
import { join } from 'node:path';
import { startReliabilityEnvironment } from '../src/reliability/__testUtils__/environment';
import {
  crashRuns,
  type CrashRun,
} from '../src/reliability/__testUtils__/runs';
import {
  formatTable,
  killPoints,
  markdownTable,
  seconds,
  summarize,
} from '../src/reliability/__testUtils__/report';
import {
  apiServerOutage,
  azureFaults,
  helmInterrupted,
  iamLag,
  identicalRuns,
  parallelDeployments,
  type ScenarioResult,
} from '../src/reliability/__testUtils__/scenarios';

async function main() {
  const kills = Number(process.argv[2] ?? 20);
  const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 1e6));
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(`reliability: ${kills} kills per topology, seed ${seed}`);
  const env = await startReliabilityEnvironment({
    logDir: join(process.cwd(), 'test-results/bench-reliability', String(seed)),
    staleTaskSeconds: 5,
  });
  try {
    const runs: Record<'aws' | 'azure', CrashRun[]> = { aws: [], azure: [] };
    for (const topology of ['aws', 'azure'] as const) {
      runs[topology] = await crashRuns(env, topology, {
        count: kills,
        seed: seed + (topology === 'aws' ? 0 : 1000),
        print,
      });
    }
    const scenarios: ScenarioResult[] = [];
    for (const [i, scenario] of [
      identicalRuns,
      parallelDeployments,
      azureFaults,
      iamLag,
      apiServerOutage,
      helmInterrupted,
    ].entries()) {
      const r = await scenario(env, `s${i}`);
      print(
        `${r.scenario}: ${r.completed ? 'completed' : 'NOT COMPLETED'}${
          r.failure ? ` after a re-run (first attempt: ${r.failure})` : ''
        }; ${Object.entries(r.hits)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
      scenarios.push(r);
    }

    print('\nCrash recovery (SIGKILL of the replica running the task)\n');
    print(
      formatTable([summarize('aws', runs.aws), summarize('azure', runs.azure)]),
    );
    print(`\nkill points, AWS EKS: ${killPoints(runs.aws)}`);
    print(`kill points, Azure AKS: ${killPoints(runs.azure)}`);
    print('\nConcurrency and faults (one whole run each)\n');
    const rows = [
      [
        'scenario',
        'completed',
        're-run needed',
        'duplicates or missing',
        'pending releases',
        'longest silence',
      ],
      ...scenarios.map(r => [
        r.scenario,
        r.completed ? 'yes' : 'NO',
        r.failure ? 'yes' : 'no',
        String(r.duplicates.length),
        String(r.pendingReleases.length),
        seconds(r.maxSilenceMs),
      ]),
    ];
    print(markdownTable(rows));
    const bad =
      [...runs.aws, ...runs.azure].some(
        r =>
          r.status !== 'completed' ||
          r.duplicates.length ||
          r.pendingReleases.length,
      ) ||
      scenarios.some(
        r => !r.completed || r.duplicates.length || r.pendingReleases.length,
      );
    process.exitCode = bad ? 1 : 0;
  } finally {
    await env.close();
  }
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
