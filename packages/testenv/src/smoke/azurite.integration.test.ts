import {
  BlobServiceClient,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { randomBytes } from 'node:crypto';
import { testEnv } from '../env';

// Azurite's documented development account key (public, the same in every Azurite).
const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

describe('Azurite (Azure Storage emulator)', () => {
  it('stores and reads a blob in a container', async () => {
    const { blobUrl, account } = testEnv.azurite();
    const service = new BlobServiceClient(
      blobUrl,
      new StorageSharedKeyCredential(account, DEV_ACCOUNT_KEY),
    );
    const container = service.getContainerClient(
      `argo-workflows-${randomBytes(3).toString('hex')}`,
    );
    await container.create();
    const blob = container.getBlockBlobClient(
      'workflows/collate/hello/main.log',
    );
    await blob.upload('hello', 5);
    expect((await blob.downloadToBuffer()).toString()).toBe('hello');
    await container.delete();
  });
});
