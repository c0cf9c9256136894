/* eslint-disable jest/no-export -- the shared input suite: each action's own test file calls describeActionInput */
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { validate } from 'jsonschema';
import yaml from 'yaml';
import { createCollateActions } from '../actions';
import { actionContext } from './context';
import { clusterOptions } from './clusters';
import { INPUT_SUITES } from './inputSuites';

/*
 * The unit test of each action's input: its examples are valid input, and malformed inputs fail with an InputError
 * before any call. Every endpoint in this config is unreachable (port 1), so an attempted call would fail with a
 * connection error instead.
 */
const config = new ConfigReader({
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'aks-prod',
            url: 'https://127.0.0.1:1',
            authProvider: 'serviceAccount',
            serviceAccountToken: 't',
          },
        ],
      },
    ],
  },
  collate: {
    azure: {
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      tenantId: '11111111-2222-3333-4444-555555555555',
      clientId: '11111111-2222-3333-4444-555555555555',
      clientSecret: 'unused',
      authorityHost: 'https://127.0.0.1:1',
      resourceManagerEndpoint: 'https://127.0.0.1:1',
    },
    aws: {
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    },
    terraform: {
      allowedSources: [
        {
          name: 'metaflow-tools-azure',
          source:
            'git::https://127.0.0.1:1/metaflow-tools.git//azure/terraform?ref=d24572c0a1610410ff586f1cd87312edc1c34cf1',
        },
      ],
    },
  },
});
/** Every action of the module, by id, on that unreachable configuration. */
export const actions = new Map(
  createCollateActions(clusterOptions(config)).map(a => [a.id, a]),
);

/** The inputs an action's examples give it. */
export function exampleInputs(
  action: TemplateAction<any, any, any>,
): Array<Record<string, unknown>> {
  return (action.examples ?? []).flatMap(({ example }) => {
    const doc = yaml.parse(example) as {
      steps?: Array<{ action?: string; input?: Record<string, unknown> }>;
    };
    return (doc.steps ?? [])
      .filter(step => step.action === action.id)
      .map(step => step.input ?? {});
  });
}

/** Where an input breaks the action's schema; a template expression (`${{ … }}`) is checked once rendered. */
export function schemaErrors(
  action: TemplateAction<any, any, any>,
  input: Record<string, unknown>,
): string[] {
  return validate(input, action.schema!.input as never)
    .errors.filter(
      e => !(typeof e.instance === 'string' && e.instance.includes('${{')),
    )
    .map(e => e.stack);
}

/**
 * The input tests of one action: each example's input follows the action's schema, its suite (`INPUT_SUITES`) has
 * at least `minCases` malformed inputs, and each of them fails with an InputError before any call.
 */
export function describeActionInput(
  id: string,
  action: TemplateAction<any, any, any> = actions.get(id)!,
) {
  const { valid, cases, minCases = 50 } = INPUT_SUITES[id];
  describe(`${id} input`, () => {
    it('gives examples that follow its schema', () => {
      const inputs = exampleInputs(action);
      expect(inputs.length).toBeGreaterThan(0);
      for (const input of inputs)
        expect(schemaErrors(action, input)).toEqual([]);
    });

    it(`has at least ${minCases} malformed inputs`, () => {
      expect(cases.length).toBeGreaterThanOrEqual(minCases);
    });

    it.each(cases)('refuses %s before any call', async (_name, override) => {
      const input = { ...valid, ...override };
      // The scaffolder first validates input against the action's JSON schema and throws an InputError itself.
      if (!validate(input, action.schema!.input as never).valid) return;
      const { ctx } = actionContext(input as never);
      const error = await action.handler(ctx as never).then(
        () => undefined,
        e => e,
      );
      expect(error).toBeInstanceOf(InputError);
    });
  });
}
