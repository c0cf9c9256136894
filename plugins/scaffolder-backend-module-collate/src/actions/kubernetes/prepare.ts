import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';
import { applyObjects } from '../../lib/apply';
import { withDefaults } from '../../lib/defaults';
import { clusterInput, MANAGED_BY_LABELS } from '../../lib/kubernetes';
import type { ClusterActionOptions } from '../../lib/kubernetes';
import {
  assertDnsLabel,
  assertRoleArn,
  assertDnsSubdomain,
  assertGuid,
  fail,
} from '../../lib/validation';
import { examples } from './prepare.examples';
import { assertDeployment, deploymentInput } from '../../lib/markers';
import { nameList } from '../../lib/schema';

/** The guide's Role for the ingestion service account, rule for rule (guides 000 and 001, om-argo-role.yml). */
export const OM_ARGO_ROLE_RULES = [
  {
    verbs: ['list', 'watch', 'create', 'update', 'patch', 'get', 'delete'],
    apiGroups: ['argoproj.io'],
    resources: ['workflows'],
  },
  {
    verbs: ['list', 'watch', 'patch', 'get'],
    apiGroups: [''],
    resources: ['pods/log', 'pods'],
  },
  {
    verbs: ['list', 'watch', 'create', 'update', 'patch', 'get', 'delete'],
    apiGroups: ['argoproj.io'],
    resources: ['cronworkflows'],
  },
  {
    verbs: ['create', 'patch'],
    apiGroups: ['argoproj.io'],
    resources: ['workflowtaskresults'],
  },
];

export interface PrepareInput {
  namespace: string;
  serviceAccount: string;
  cloud: 'azure' | 'aws' | 'none';
  azureClientId?: string;
  awsRoleArn?: string;
  databaseSecretName: string;
  databaseSecretKey: string;
  databasePassword?: string;
  searchSecretName: string;
  searchSecretKey: string;
  searchPassword?: string;
}

export const PREPARE_DEFAULTS = {
  namespace: 'collate',
  serviceAccount: 'om-role',
  databaseSecretName: 'db-credentials',
  databaseSecretKey: 'password',
  searchSecretName: 'es-credentials',
  searchSecretKey: 'password',
};

/** The workload-identity annotation (and, on Azure, label) of the ingestion service account. */
function serviceAccountMetadata(input: PrepareInput): V1ObjectMeta {
  if (input.cloud === 'azure') {
    return {
      annotations: {
        'azure.workload.identity/client-id': input.azureClientId!,
      },
      labels: { 'azure.workload.identity/use': 'true' },
    };
  }
  if (input.cloud === 'aws') {
    return { annotations: { 'eks.amazonaws.com/role-arn': input.awsRoleArn! } };
  }
  return {};
}

/** The objects guide 000/001 create in the Collate namespace, in apply order. */
export function collatePreparationObjects(
  input: PrepareInput,
): KubernetesObject[] {
  const ns = input.namespace;
  const sa = input.serviceAccount;
  const saMetadata = serviceAccountMetadata(input);
  const objects: KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: sa, namespace: ns, ...saMetadata },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: `${sa}.service-account-token`,
        namespace: ns,
        annotations: { 'kubernetes.io/service-account.name': sa },
      },
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'om-argo-role', namespace: ns },
      rules: OM_ARGO_ROLE_RULES,
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'om-argo-role-binding', namespace: ns },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'om-argo-role',
      },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }],
    } as KubernetesObject,
  ];
  const secret = (name: string, key: string, value: string) =>
    ({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name,
        namespace: ns,
        labels: { ...MANAGED_BY_LABELS },
      },
      data: { [key]: Buffer.from(value, 'utf8').toString('base64') },
    } as KubernetesObject);
  if (input.databasePassword)
    objects.push(
      secret(
        input.databaseSecretName,
        input.databaseSecretKey,
        input.databasePassword,
      ),
    );
  if (input.searchPassword)
    objects.push(
      secret(
        input.searchSecretName,
        input.searchSecretKey,
        input.searchPassword,
      ),
    );
  return objects;
}

function validate(input: PrepareInput) {
  assertDnsLabel('namespace', input.namespace);
  assertDnsSubdomain('serviceAccount', input.serviceAccount);
  assertDnsSubdomain('databaseSecretName', input.databaseSecretName);
  assertDnsSubdomain('searchSecretName', input.searchSecretName);
  for (const [field, key] of [
    ['databaseSecretKey', input.databaseSecretKey],
    ['searchSecretKey', input.searchSecretKey],
  ] as const) {
    if (!/^[-._a-zA-Z0-9]{1,253}$/.test(key))
      fail(field, `'${key}' must be a valid Secret key ([-._a-zA-Z0-9]+)`);
  }
  if (input.cloud === 'azure') {
    if (!input.azureClientId)
      throw new InputError(
        "Invalid input 'azureClientId': required when cloud is 'azure'",
      );
    assertGuid('azureClientId', input.azureClientId);
  }
  if (input.cloud === 'aws') {
    if (!input.awsRoleArn)
      throw new InputError(
        "Invalid input 'awsRoleArn': required when cloud is 'aws'",
      );
    assertRoleArn('awsRoleArn', input.awsRoleArn);
  }
}

/**
 * `collate:kubernetes:prepare`: what guides 000/001 do in the Collate namespace: namespace; the ingestion
 * service account (om-role) with its workload-identity or IRSA annotation; its long-lived token secret; the
 * om-argo-role Role and binding; the database (and search) credential secrets from template secrets.
 * @public
 */
export function createCollateKubernetesPrepareAction(
  options: ClusterActionOptions,
) {
  return createTemplateAction({
    id: 'collate:kubernetes:prepare',
    description:
      'Prepares the Collate namespace as the deployment guides do: namespace, the om-role service account (Azure workload identity or EKS IRSA), its token secret, the om-argo-role Role and RoleBinding, and credential secrets. Outputs names, never secret values.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        deployment: deploymentInput,
        namespace: z =>
          z
            .string()
            .default(PREPARE_DEFAULTS.namespace)
            .describe('The Collate namespace (guide: collate)'),
        serviceAccount: z =>
          z
            .string()
            .default(PREPARE_DEFAULTS.serviceAccount)
            .describe('The ingestion service account (guide: om-role)'),
        cloud: z =>
          z
            .enum(['azure', 'aws', 'none'])
            .describe(
              'Which workload identity to annotate the service account for',
            ),
        azureClientId: z =>
          z
            .string()
            .optional()
            .describe(
              "Client id of the managed identity (cloud 'azure'): azure.workload.identity/client-id",
            ),
        awsRoleArn: z =>
          z
            .string()
            .optional()
            .describe("IAM role ARN (cloud 'aws'): eks.amazonaws.com/role-arn"),
        databaseSecretName: z =>
          z
            .string()
            .default(PREPARE_DEFAULTS.databaseSecretName)
            .describe(
              'Secret the openmetadata values reference for the database password (guide values: db-credentials; the MySQL variant: mysql-secrets)',
            ),
        databaseSecretKey: z =>
          z
            .string()
            .default(PREPARE_DEFAULTS.databaseSecretKey)
            .describe(
              'Key in that secret (guide values: password; the MySQL variant: openmetadata-mysql-password)',
            ),
        databasePassword: z =>
          z
            .string()
            .optional()
            .describe(
              'Database password: pass ${{ secrets.databasePassword }}; omitted leaves the secret alone',
            ),
        searchSecretName: z =>
          z
            .string()
            .default(PREPARE_DEFAULTS.searchSecretName)
            .describe(
              'Secret for the search engine password (guide values: es-credentials)',
            ),
        searchSecretKey: z =>
          z
            .string()
            .default(PREPARE_DEFAULTS.searchSecretKey)
            .describe('Key in that secret (guide values: password)'),
        searchPassword: z =>
          z
            .string()
            .optional()
            .describe(
              'Search engine password: pass ${{ secrets.searchPassword }}; omitted leaves the secret alone',
            ),
      },
      output: {
        namespace: z => z.string().describe('The Collate namespace'),
        serviceAccount: z =>
          z.string().describe('The ingestion service account'),
        tokenSecret: z =>
          z
            .string()
            .describe('The service account token secret (ARGO_TOKEN source)'),
        role: z => z.string().describe('The Role for Argo workflows'),
        roleBinding: z =>
          z
            .string()
            .describe('The RoleBinding of that Role to the service account'),
        secrets: nameList(
          'Names of the credential secrets written (values never output)',
        ),
        changed: z =>
          z
            .number()
            .describe('How many objects were (or would be) created or updated'),
      },
    },
    async handler(ctx) {
      const input = withDefaults(
        ctx.input,
        PREPARE_DEFAULTS,
      ) as PrepareInput & { cluster: string; deployment?: string };
      validate(input);
      assertDeployment(input.deployment);
      const kc = await options.clusters.serverKubeConfig(input.cluster);
      const objects = collatePreparationObjects(input);
      const run = async () => {
        const results = await applyObjects(kc, objects, {
          dryRun: Boolean(ctx.isDryRun),
          logger: ctx.logger,
          deployment: input.deployment,
        });
        return results.filter(r => r.action !== 'unchanged').length;
      };
      const changed = ctx.isDryRun
        ? await run()
        : await ctx.checkpoint({
            key: `collate.kubernetes.prepare.${input.cluster}.${input.namespace}`,
            fn: run,
          });
      ctx.output('namespace', input.namespace);
      ctx.output('serviceAccount', input.serviceAccount);
      ctx.output(
        'tokenSecret',
        `${input.serviceAccount}.service-account-token`,
      );
      ctx.output('role', 'om-argo-role');
      ctx.output('roleBinding', 'om-argo-role-binding');
      ctx.output('secrets', [
        ...(input.databasePassword ? [input.databaseSecretName] : []),
        ...(input.searchPassword ? [input.searchSecretName] : []),
      ]);
      ctx.output('changed', changed);
    },
  });
}
