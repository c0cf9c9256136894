import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { createCollateActions } from '../src/actions';
import { clusterOptions } from '../src/__testUtils__/clusters';

const silent: LoggerService = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silent;
  },
};

/**
 * Runs the module's actions by id, as the scaffolder would (no dry-run, checkpoints executed), with a silent log
 * so the benchmark measures the actions and not the console. Returns each step's outputs.
 */
export function actionRunner(config: Config) {
  const actions = new Map(
    createCollateActions(clusterOptions(config)).map(a => [a.id, a]),
  );
  return async (
    id: string,
    input: Record<string, unknown>,
  ): Promise<Record<string, any>> => {
    const outputs: Record<string, any> = {};
    await actions.get(id)!.handler({
      input,
      logger: silent,
      output: (k: string, v: unknown) => (outputs[k] = v),
      checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
      isDryRun: false,
      secrets: {},
    } as never);
    return outputs;
  };
}
