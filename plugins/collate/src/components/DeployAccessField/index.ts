export { DeployAccessField, refusalMessage } from './DeployAccessField';
