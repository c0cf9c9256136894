import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAllowedStorageHost, probeBlobContainer } from './blobContainer';
import { AZURE_BLOB_HOSTS } from '../config';

describe('isAllowedStorageHost', () => {
  it.each([
    ['stacme.blob.core.windows.net', true],
    ['stacme.blob.core.windows.net:443', true],
    ['x.blob.core.usgovcloudapi.net', true],
    ['blob.core.windows.net', false],
    ['evil.blob.core.windows.net.attacker.io', false],
    ['windows.net', false],
    ['169.254.169.254', false],
    ['127.0.0.1:10001', false],
  ])('%s by default: %s', (host, allowed) => {
    expect(isAllowedStorageHost(host, AZURE_BLOB_HOSTS)).toBe(allowed);
  });

  it('takes hosts with a port, and names for any port', () => {
    expect(isAllowedStorageHost('127.0.0.1:10001', ['127.0.0.1:10001'])).toBe(
      true,
    );
    expect(isAllowedStorageHost('127.0.0.1:10002', ['127.0.0.1:10001'])).toBe(
      false,
    );
    expect(
      isAllowedStorageHost('store.internal:8443', ['store.internal']),
    ).toBe(true);
  });
});

describe('probeBlobContainer', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ url?: string; authorization?: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      if (req.url?.startsWith('/acct/private'))
        res.writeHead(404, {
          'x-ms-request-id': 'r-1',
          'x-ms-error-code': 'ResourceNotFound',
        });
      else res.writeHead(200);
      res.end('<Error/>');
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(r => server.close(r)));

  it('asks for the container properties without credentials and reads Azure Storage answer', async () => {
    const answer = await probeBlobContainer(
      `${url}/acct/private`,
      AbortSignal.timeout(2000),
    );
    expect(answer).toEqual({
      status: 404,
      errorCode: 'ResourceNotFound',
      fromStorage: true,
    });
    expect(seen[0]).toEqual({
      url: '/acct/private?restype=container',
      authorization: undefined,
    });
  });

  it('tells an answer that is not Azure Storage, and says which host did not answer', async () => {
    expect(
      await probeBlobContainer(`${url}/other`, AbortSignal.timeout(2000)),
    ).toEqual({ status: 200, fromStorage: false });
    // A port nothing listens on.
    const closed = createServer();
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise(r => closed.close(r));
    await expect(
      probeBlobContainer(
        `http://127.0.0.1:${port}/c`,
        AbortSignal.timeout(2000),
      ),
    ).rejects.toThrow(
      `127.0.0.1:${port} did not answer (fetch failed: connect ECONNREFUSED`,
    );
  });
});
