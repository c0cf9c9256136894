// Standalone development backend for this plugin: `yarn start` in this package.
//   curl http://localhost:7007/api/collate/health
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('../src'));
backend.start();
