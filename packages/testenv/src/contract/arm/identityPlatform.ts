import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, signJwtRs256, type JwtSigningKey } from '../http.ts';

// ---- Entra ID (token endpoint for ClientSecretCredential with authorityHost = this server) ----
/** What the Entra endpoints answer with: the tenant, the one client and its secret, and the signing key. */
export interface IdentityPlatform {
  baseUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  servicePrincipalObjectId: string;
  signingKey: JwtSigningKey;
}

/**
 * Entra ID's OpenID configuration, keys and token endpoint (client credentials), for ClientSecretCredential with
 * `authorityHost` set to the contract server. Answers true when the path was one of these.
 */
export function handleIdentityPlatform(
  idp: IdentityPlatform,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  body: string,
): boolean {
  const wellKnown = path.match(
    /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i,
  );
  if (wellKnown && req.method === 'GET') {
    const t = wellKnown[1];
    sendJson(res, 200, {
      issuer: `${idp.baseUrl}/${t}/v2.0`,
      authorization_endpoint: `${idp.baseUrl}/${t}/oauth2/v2.0/authorize`,
      token_endpoint: `${idp.baseUrl}/${t}/oauth2/v2.0/token`,
      end_session_endpoint: `${idp.baseUrl}/${t}/oauth2/v2.0/logout`,
      jwks_uri: `${idp.baseUrl}/${t}/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'token id_token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'client_secret_basic',
      ],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    });
    return true;
  }
  const keys = path.match(/^\/([^/]+)\/discovery\/v2\.0\/keys$/i);
  if (keys && req.method === 'GET') {
    sendJson(res, 200, { keys: [idp.signingKey.jwk] });
    return true;
  }
  const token = path.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/i);
  if (token && req.method === 'POST') {
    const form = new URLSearchParams(body);
    if (token[1] !== idp.tenantId) {
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: `AADSTS90002: Tenant '${token[1]}' not found.`,
      });
    } else if (form.get('grant_type') !== 'client_credentials') {
      sendJson(res, 400, {
        error: 'unsupported_grant_type',
        error_description:
          'AADSTS70003: only client_credentials is supported here.',
      });
    } else if (
      form.get('client_id') !== idp.clientId ||
      form.get('client_secret') !== idp.clientSecret
    ) {
      sendJson(res, 401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
      });
    } else {
      const now = Math.floor(Date.now() / 1000);
      // The audience is the resource of the requested scope: `https://management.azure.com/.default` for ARM,
      // `6dae42f8-4368-4678-94ff-3960e28e3630/.default` for an AKS cluster's API server.
      const scope =
        form.get('scope') ?? 'https://management.azure.com/.default';
      const resource = scope.split(' ')[0].replace(/\/\.default$/, '');
      const storage =
        /^https:\/\/(storage\.azure\.com|[^/]+\.blob\.core\.windows\.net)$/.test(
          resource,
        );
      const accessToken = signJwtRs256(
        {
          aud: resource,
          iss: storage
            ? `https://sts.windows.net/${idp.tenantId}/`
            : `${idp.baseUrl}/${idp.tenantId}/v2.0`,
          tid: idp.tenantId,
          appid: idp.clientId,
          azp: idp.clientId,
          oid: idp.servicePrincipalObjectId,
          sub: idp.servicePrincipalObjectId,
          iat: now,
          nbf: now,
          exp: now + 3600,
          ver: storage ? '1.0' : '2.0',
        },
        idp.signingKey,
      );
      sendJson(res, 200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: accessToken,
      });
    }
    return true;
  }
  return false;
}
