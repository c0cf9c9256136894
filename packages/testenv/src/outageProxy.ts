// A TCP proxy in front of a server (the API server, TLS passing through untouched) that can make it briefly
// unavailable: open connections are reset and new ones refused, as when a control plane restarts.
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface OutageProxy {
  /** host:port to use instead of the target's. */
  readonly address: string;
  /** Resets every open connection and refuses new ones for `ms`. */
  outage(ms: number): void;
  /** Resolves when the current outage is over. */
  restored(): Promise<void>;
  /** Connections reset or refused by outages so far. */
  dropped(): number;
  close(): Promise<void>;
}

export async function startOutageProxy(target: {
  host: string;
  port: number;
}): Promise<OutageProxy> {
  const open = new Set<Socket>();
  let downUntil = 0;
  let dropped = 0;
  const server = createServer(client => {
    if (Date.now() < downUntil) {
      dropped += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    open.add(client);
    const end = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    outage(ms) {
      downUntil = Date.now() + ms;
      for (const socket of open) {
        dropped += 1;
        socket.resetAndDestroy();
      }
      open.clear();
    },
    restored: () =>
      new Promise(resolve =>
        setTimeout(resolve, Math.max(0, downUntil - Date.now())),
      ),
    dropped: () => dropped,
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
