export {
  CollateStatusClient,
  collateStatusApiRef,
  type CollateStatusApi,
} from './CollateStatusApi';
