export { CollateRunnerCard } from './RunnerCard';
