/**
 * The client side of the local test environment (scripts/testenv): endpoints, clients, fixture charts and the
 * contract servers for Azure Resource Manager and the Collate API.
 *
 * @packageDocumentation
 */
export {
  adminKubeConfig,
  awsTestConfig,
  backstageKubernetesConfig,
  requireEnv,
  testEnv,
  TEST_CLUSTER_NAME,
} from './env';
export {
  BACKSTAGE_SERVICE_ACCOUNT,
  kubernetesWrites,
  type AuditedWrite,
} from './audit';
export { demoHistory, seedArchivedRuns, type ArchivedSeedRun } from './archive';
export { chartPath, publishFixtureChart, terraformFixturePath } from './charts';
export { mcpRequest } from './mcp';
export {
  applyMetaflowStack,
  metaflowLocalPlane,
  metaflowStackNamespace,
  removeMetaflowStacks,
} from './metaflow';
export { gitModuleSource } from './gitModule';
export {
  FIXTURE_RUNNER,
  seedContractFixture,
} from './contract/collate/fixtures';
export { DEMO_FLEET_FILE, demoFleet, seedDemoFleet } from './demoFleet';
export type { FixtureChart } from './charts';
export {
  startAwsCallRecorder,
  type AwsCall,
  type AwsCallRecorder,
} from './awsRecorder';
export {
  BUILT_IN_ROLES,
  startArmContractServer,
  type ArmContractOptions,
  type ArmContractServer,
  type SeedManagedCluster,
} from './contract/arm.ts';
export type { RecordedCall } from './contract/http.ts';
export {
  startOidcIssuer,
  type OidcIssuer,
  type OidcIssuerOptions,
} from './contract/oidcIssuer.ts';
export {
  COLLATE_CONTRACT_LINES,
  contractLineOf,
  startCollateContractServer,
  type CollateContractLine,
  type CollateContractOptions,
  type CollateContractServer,
  type IngestionPipeline,
  type PipelineStatus,
} from './contract/collate.ts';
export {
  SEED_INSTANCE_ID,
  deleteWorkflows,
  demoWorkflows,
  ensureNamespace,
  installFixtureRunner,
  DEMO_FAILING_WORKFLOW,
  ensureFailingWorkflow,
  installFixtureRelease,
  seedCronWorkflow,
  seedDemoDeployment,
  seedWorkflows,
  workflowObject,
  type DemoDeployment,
  type SeedPhase,
  type SeedWorkflow,
} from './seed';
export {
  startCountingProxy,
  type CountedRequest,
  type CountingProxy,
} from './countingProxy';
export { collateAwsTestConfig, ensureEksCluster } from './aws';
export { startOutageProxy, type OutageProxy } from './outageProxy';
export {
  freePort,
  startBackendReplicas,
  type Replica,
  type ReplicaSet,
  type ReplicaSetOptions,
} from './replicas';
