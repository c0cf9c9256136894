/**
 * Scaffolder actions that turn the Collate/OpenMetadata deployment guides into template steps.
 *
 * @packageDocumentation
 */
export { scaffolderModuleCollate as default } from './module';
export { createCollateActions } from './actions';
export type { CollateActionsOptions } from './actions';
