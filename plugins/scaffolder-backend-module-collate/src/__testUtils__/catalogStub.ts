import { mockServices } from '@backstage/backend-test-utils';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the stub catalog received. */
export interface CatalogCall {
  method: string;
  path: string;
  body?: unknown;
}

/**
 * A stand-in for the catalog's routes the collate:catalog:* actions call (the catalog module's
 * `/collate/deployments/:name` and the catalog's `/entities/by-refs`), answering what `answer` says and recording
 * every call. Discovery points the actions at it.
 */
export async function startCatalogStub(
  answer: (call: CatalogCall) => { status: number; body: unknown },
) {
  const calls: CatalogCall[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>(resolve => {
      let text = '';
      req.on('data', chunk => (text += chunk));
      req.on('end', () => resolve(text));
    });
  const server: Server = createServer(async (req, res) => {
    const text = await read(req);
    const call: CatalogCall = {
      method: req.method!,
      path: req.url!,
      ...(text ? { body: JSON.parse(text) } : {}),
    };
    calls.push(call);
    const { status, body } = answer(call);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    calls,
    options: {
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => base,
        getExternalBaseUrl: async () => base,
      },
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

/** Discovery that fails the test if any call is made: bad input must be refused first. */
export const noCallDiscovery = {
  getBaseUrl: async (): Promise<string> => {
    throw new Error('no call may be made');
  },
  getExternalBaseUrl: async (): Promise<string> => {
    throw new Error('no call may be made');
  },
};
