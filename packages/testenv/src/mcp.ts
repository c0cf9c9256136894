import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A JSON-RPC request to a test backend's MCP server (`@backstage/plugin-mcp-actions-backend`), as an MCP client sends
 * it over streamable HTTP; the answer comes as one server-sent event or as plain JSON.
 */
export async function mcpRequest(
  server: Server,
  authorization: string,
  method: string,
  params: object = {},
): Promise<{ status: number; body: any }> {
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/api/mcp-actions/v1`, {
    method: 'POST',
    headers: {
      Authorization: authorization,
      Accept: 'application/json, text/event-stream',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const text = await res.text();
  const json = text.startsWith('{')
    ? text
    : text
        .split('\n')
        .find(l => l.startsWith('data: '))
        ?.slice('data: '.length);
  if (!json)
    throw new Error(
      `Not a JSON-RPC answer (${res.status}): ${text.slice(0, 200)}`,
    );
  return { status: res.status, body: JSON.parse(json) };
}
