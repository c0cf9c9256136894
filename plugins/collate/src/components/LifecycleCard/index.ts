export { LifecycleCard, DecommissionPlan } from './LifecycleCard';
