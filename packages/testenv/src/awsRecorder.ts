// A loopback proxy in front of moto that records every AWS API call, so tests count what a run changed from the
// traffic itself. Query-protocol services (IAM, STS) name the call in `Action=`; JSON services in X-Amz-Target;
// REST services (S3, EKS) by method.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsCall {
  service: string;
  operation: string;
  mutating: boolean;
}

const READ = /^(Get|List|Describe|Head)/;

export interface AwsCallRecorder {
  endpoint: string;
  calls: AwsCall[];
  mutatingCalls(): AwsCall[];
  /**
   * IAM's eventual consistency: for `ms` after a role is created, reads and attachments of it answer 404
   * NoSuchEntity, as IAM does until the new role has replicated. Returns how many such answers were given so far.
   */
  iamLag(ms: number): () => number;
  close(): Promise<void>;
}

export async function startAwsCallRecorder(
  target: string,
): Promise<AwsCallRecorder> {
  const upstream = new URL(target);
  const calls: AwsCall[] = [];
  let lagMs = 0;
  let lagged = 0;
  const createdRoles = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const scope =
        String(req.headers.authorization ?? '').match(
          /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//,
        )?.[1] ?? 'unknown';
      const action =
        new URLSearchParams(body.toString('utf8')).get('Action') ??
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop();
      const method = req.method ?? 'GET';
      const operation = action || `${method} ${req.url}`;
      const mutating = action
        ? !READ.test(action)
        : !['GET', 'HEAD'].includes(method);
      calls.push({ service: scope, operation, mutating });
      const params = new URLSearchParams(body.toString('utf8'));
      const roleName = params.get('RoleName');
      if (action === 'CreateRole' && roleName)
        createdRoles.set(roleName, Date.now());
      if (
        lagMs > 0 &&
        roleName &&
        action !== 'CreateRole' &&
        Date.now() - (createdRoles.get(roleName) ?? 0) < lagMs
      ) {
        lagged += 1;
        res.writeHead(404, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name ${roleName} cannot be found.</Message></Error><RequestId>lag-${lagged}</RequestId></ErrorResponse>`,
        );
        return;
      }
      const proxied = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path: req.url,
          headers: req.headers,
        },
        upstreamRes => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      proxied.on('error', e => {
        res.writeHead(502);
        res.end(String(e));
      });
      proxied.end(body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    mutatingCalls: () => calls.filter(c => c.mutating),
    iamLag(ms) {
      lagMs = ms;
      return () => lagged;
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
