import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createAzureClients } from '../lib/azure';
import type { ClusterActionOptions } from '../lib/kubernetes';
import { createAzureAksWorkloadIdentityAction } from './azure/aksWorkloadIdentity';
import { createAzureIdentityCreateAction } from './azure/identityCreate';
import { createAzureIdentityFederateAction } from './azure/identityFederate';
import { createAzureRoleAssignAction } from './azure/roleAssign';
import { createAzureStorageEnsureAction } from './azure/storageEnsure';
import { createAzureRoleDeleteAssignmentsAction } from './azure/roleDeleteAssignments';
import { createAzureIdentityDeleteAction } from './azure/identityDelete';
import { createAzureStorageDeleteAction } from './azure/storageDelete';
import { createAwsEksOidcProviderAction } from './aws/eksOidcProvider';
import { createAwsIamServiceAccountRoleAction } from './aws/iamServiceAccountRole';
import { createAwsIamDeleteRolesAction } from './aws/iamDeleteRoles';
import { createAwsS3EnsureBucketAction } from './aws/s3EnsureBucket';
import { createAwsS3DeleteBucketAction } from './aws/s3DeleteBucket';
import { createAwsEksDeleteOidcProviderAction } from './aws/eksDeleteOidcProvider';
import { createKubernetesApplyAction } from './kubernetes/apply';
import { createCollateKubernetesPrepareAction } from './kubernetes/prepare';
import { createKubernetesDeleteAction } from './kubernetes/delete';
import { createCollatePreflightAction } from './preflight';
import { createArgoInstallAction } from './helm/argoInstall';
import { createCollateDeployAction } from './helm/collateDeploy';
import { createReleaseUpgradeAction } from './helm/releaseUpgrade';
import { createReleaseUninstallAction } from './helm/releaseUninstall';
import { createAwsEcrPullSecretAction } from './aws/ecrPullSecret';
import { createTerraformApplyAction } from './terraform/terraformApply';
import { createCollateRunnerRegisterAction } from './helm/runnerRegister';
import { createCollateReindexAction } from './collate/reindex';

/**
 * The configuration and the cluster access every Collate action is created with.
 *
 * @public
 */
export type CollateActionsOptions = ClusterActionOptions;

/**
 * Every scaffolder action of the Collate module. The module registers exactly this list, so tests and
 * other backends (a custom scaffolder setup) can use the same set. Clients are created lazily, on first use.
 *
 * @public
 */
export function createCollateActions(
  options: CollateActionsOptions,
): TemplateAction<any, any, any>[] {
  const azure = createAzureClients(options.config);
  return [
    createAzureIdentityCreateAction({ azure }),
    createAzureIdentityFederateAction({ azure }),
    createAzureRoleAssignAction({ azure }),
    createAzureStorageEnsureAction({ azure }),
    createAzureAksWorkloadIdentityAction({ azure }),
    createAzureRoleDeleteAssignmentsAction({ azure }),
    createAzureIdentityDeleteAction({ azure }),
    createAzureStorageDeleteAction({ azure }),
    createAwsEksOidcProviderAction({ config: options.config }),
    createAwsIamServiceAccountRoleAction({ config: options.config }),
    createAwsIamDeleteRolesAction({ config: options.config }),
    createAwsS3EnsureBucketAction({ config: options.config }),
    createAwsS3DeleteBucketAction({ config: options.config }),
    createAwsEksDeleteOidcProviderAction({ config: options.config }),
    createKubernetesApplyAction(options),
    createCollateKubernetesPrepareAction(options),
    createKubernetesDeleteAction(options),
    createCollatePreflightAction({ ...options, azure }),
    createArgoInstallAction(options),
    createCollateDeployAction(options),
    createReleaseUpgradeAction(options),
    createReleaseUninstallAction(options),
    createAwsEcrPullSecretAction(options),
    createTerraformApplyAction({ config: options.config }),
    createCollateRunnerRegisterAction(options),
    createCollateReindexAction({ config: options.config }),
  ];
}
