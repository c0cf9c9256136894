import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/** A logger that keeps every line (message and metadata), to assert what was logged and what never was. */
export function recordingLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const make = (): LoggerService => {
    const record = (level: string) => (message: string, meta?: unknown) => {
      lines.push(
        `${level} ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`,
      );
    };
    return {
      error: record('error'),
      warn: record('warn'),
      info: record('info'),
      debug: record('debug'),
      child: () => make(),
    };
  };
  return Object.assign(make(), { lines });
}

/** An action context with a recording logger and the outputs collected into an object. */
export function actionContext<I extends JsonObject>(
  input: I,
  options: { isDryRun?: boolean; secrets?: Record<string, string> } = {},
) {
  const logger = recordingLogger();
  const outputs: Record<string, unknown> = {};
  // createMockActionContext takes neither `output` nor `isDryRun` from its options: set them on the result.
  const ctx = Object.assign(
    createMockActionContext({ input, logger, secrets: options.secrets }),
    {
      isDryRun: options.isDryRun,
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
    },
  );
  return { ctx, logger, outputs };
}

export const mockRootConfig = (data: JsonObject) =>
  mockServices.rootConfig({ data });

/** Runs an action's handler once in a fresh context; resolves with its logger and outputs. */
export async function runAction(
  action: { handler: (ctx: never) => Promise<void> },
  input: object,
  options: { isDryRun?: boolean } = {},
) {
  const c = actionContext(input as JsonObject, options);
  await action.handler(c.ctx as never);
  return c;
}
