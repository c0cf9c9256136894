import type { LoggerService } from '@backstage/backend-plugin-api';
import type { CollateBackendHealth } from '@internal/backstage-plugin-collate-common';
import express from 'express';
import Router from 'express-promise-router';

export interface RouterOptions {
  logger: LoggerService;
}

export async function createRouter(
  _options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    const body: CollateBackendHealth = { status: 'ok' };
    res.json(body);
  });

  return router;
}
