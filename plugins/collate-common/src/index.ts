/**
 * Shared types, catalog annotation names and permissions of the Collate plugin set.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './types';
export * from './api';
export * from './fleet';
export * from './history';
export * from './runnerMetrics';
export * from './versions';
export * from './grading';
export * from './binding';
export * from './metaflow';
