export {
  CollateStatusClient,
  collateStatusApiRef,
  type CollateStatusApi,
  type CollateUserAuth,
} from './CollateStatusApi';
export { useUserAuth } from './useUserAuth';
