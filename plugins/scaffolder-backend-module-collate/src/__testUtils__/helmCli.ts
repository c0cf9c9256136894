import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testEnv } from '@internal/testenv';

/** The helm CLI as the test environment's admin: what a test checks or sets up beside the action under test. */
export const helmCli = (args: string[]) =>
  promisify(execFile)(testEnv.helmBin(), [
    ...args,
    '--kubeconfig',
    testEnv.kubernetes().kubeconfigPath,
  ]);
