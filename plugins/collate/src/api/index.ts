export {
  CollateStatusClient,
  collateStatusApiRef,
  type CollateStatusApi,
  type CollateUserAuth,
  type CollateWorkflowLogOptions,
} from './CollateStatusApi';
export { useUserAuth } from './useUserAuth';
