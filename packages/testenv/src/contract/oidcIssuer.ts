// A minimal OpenID Connect issuer: discovery document, JWKS and ID tokens minted on demand. It stands in for the
// corporate identity provider whose ID tokens a portal's users sign in with, so that the Kubernetes API server
// (which trusts it through its structured authentication configuration) can verify the tokens Backstage's `oidc`
// cluster auth provider forwards. Sign-in flows are out of scope: tests mint the token the browser would hold.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createJwtSigningKey, sendJson, signJwtRs256 } from './http.ts';

export interface OidcIssuerOptions {
  tls: { cert: string | Buffer; key: string | Buffer };
  /** Fixed port: the API server's authentication configuration names the issuer URL. */
  port?: number;
}

export interface OidcIssuer {
  /** `https://127.0.0.1:<port>`, the `iss` of every token. */
  issuer: string;
  /** An ID token for a user, valid for an hour. */
  mint(claims: {
    email: string;
    audience: string;
    groups?: string[];
    expiresInSeconds?: number;
  }): string;
  /** How often the JWKS was fetched (the API server fetches it when it first sees a token). */
  jwksFetches(): number;
  close(): Promise<void>;
}

export async function startOidcIssuer(
  options: OidcIssuerOptions,
): Promise<OidcIssuer> {
  const key = createJwtSigningKey();
  let issuer = '';
  let jwksFetches = 0;
  const server: Server = createServer(options.tls, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://localhost').pathname;
    if (req.method !== 'GET') {
      sendJson(res, 405, { error: 'method_not_allowed' });
    } else if (path === '/.well-known/openid-configuration') {
      sendJson(res, 200, {
        issuer,
        jwks_uri: `${issuer}/keys`,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    } else if (path === '/keys') {
      jwksFetches += 1;
      sendJson(res, 200, { keys: [key.jwk] });
    } else {
      sendJson(res, 404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    mint({ email, audience, groups = [], expiresInSeconds = 3600 }) {
      const now = Math.floor(Date.now() / 1000);
      return signJwtRs256(
        {
          iss: issuer,
          sub: email,
          aud: audience,
          email,
          email_verified: true,
          groups,
          iat: now,
          exp: now + expiresInSeconds,
        },
        key,
      );
    },
    jwksFetches: () => jwksFetches,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
