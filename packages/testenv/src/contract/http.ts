// Small HTTP helpers shared by the contract servers. Node built-ins only, and only erasable TypeScript with
// explicit `.ts` imports, so the servers can also be started by plain Node 24 (which strips the types).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createHmac,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomUUID,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';

/** One request as the server saw it; tests count mutating calls from these. */
export interface RecordedCall {
  method: string;
  path: string;
  status: number;
  at: number;
}

/** An error answered in the upstream's error format by the server that throws it. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized.',
    );
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'x-ms-request-id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

const b64url = (data: Buffer | string) =>
  Buffer.from(data).toString('base64url');

/** HS256 JWTs: enough for a contract server that issues and checks its own tokens. */
export function signJwt(
  claims: Record<string, unknown>,
  secret: string,
): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret)
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The claims of a token this server signed and that has not expired; undefined otherwise. */
export function verifyJwt(
  token: string,
  secret: string,
): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const expected = createHmac('sha256', secret)
    .update(`${parts[0]}.${parts[1]}`)
    .digest();
  const actual = Buffer.from(parts[2], 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return undefined;
  return unexpiredClaims(parts[1]);
}

/** The claims of a verified token's payload part, unless it has expired. */
function unexpiredClaims(payload: string): Record<string, unknown> | undefined {
  try {
    const claims = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    );
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now())
      return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1];
}

export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

/**
 * An RS256 signing key with its JWKS entry: what an OpenID provider publishes at its `jwks_uri`, so that another
 * server (the Kubernetes API server's JWT authenticator) can verify the tokens it issues.
 */
export interface JwtSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK (`kty`, `n`, `e`, `kid`, `use`, `alg`). */
  jwk: Record<string, string>;
}

export function createJwtSigningKey(): JwtSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  const kid = randomUUID();
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { ...jwk, kid, use: 'sig', alg: 'RS256' },
  };
}

export function signJwtRs256(
  claims: Record<string, unknown>,
  key: JwtSigningKey,
): string {
  const header = b64url(
    JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }),
  );
  const payload = b64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256')
    .update(`${header}.${payload}`)
    .sign(key.privateKey)
    .toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The claims of an unexpired RS256 token signed with `key`; undefined otherwise. */
export function verifyJwtRs256(
  token: string,
  key: JwtSigningKey,
): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const valid = createVerify('RSA-SHA256')
    .update(`${parts[0]}.${parts[1]}`)
    .verify(key.publicKey, Buffer.from(parts[2], 'base64url'));
  return valid ? unexpiredClaims(parts[1]) : undefined;
}
