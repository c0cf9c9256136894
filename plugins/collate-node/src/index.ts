/**
 * Node.js helpers shared by the Collate backend plugin and the Collate scaffolder module.
 *
 * @packageDocumentation
 */
export { configuredClusterNames, kubeConfigFor } from './kubernetes';
