import type { Config } from '@backstage/config';

/** Where the backend reaches a Collate server's API, and the bot token it sends there. @public */
export interface CollateConnection {
  /** Where the backend reaches the server (`https://host[:port]`, no trailing slash). */
  baseUrl: string;
  /** A bot's JWT; sent to this server only, never to the browser. */
  token: string;
  /** Where people open Collate's UI; links are built on it when given. */
  uiUrl?: string;
}

/** A Collate server the backend may call (`collate.servers`), by the URL the entities' annotations give. @public */
export interface CollateServerConfig extends CollateConnection {
  /** As in the `collate.io/server-url` annotation. */
  url: string;
  uiUrl: string;
}

/** A server URL as configured and as annotated compare equal: trimmed, without trailing slashes. @public */
export const normalizeUrl = (url: string) => url.trim().replace(/\/+$/, '');

/** `collate.servers`, read once for the status backend and the scaffolder actions alike. @public */
export function readCollateServers(config: Config): CollateServerConfig[] {
  return (config.getOptionalConfigArray('collate.servers') ?? []).map(c => {
    const url = normalizeUrl(c.getString('url'));
    return {
      url,
      baseUrl: normalizeUrl(c.getOptionalString('baseUrl') ?? url),
      uiUrl: normalizeUrl(c.getOptionalString('uiUrl') ?? url),
      token: c.getString('token'),
    };
  });
}

/** The configured server an annotation or input names, if any. @public */
export function findCollateServer(
  servers: CollateServerConfig[],
  url: string,
): CollateServerConfig | undefined {
  const wanted = normalizeUrl(url);
  return servers.find(s => s.url === wanted);
}
