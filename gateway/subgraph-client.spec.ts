import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fetcherResponse, SubgraphClient } from './subgraph-client';

/** A stand-in subgraph: answers with `handler`, counts the TCP connections it was opened. */
async function standIn(handler: (request: IncomingMessage, response: ServerResponse, body: string) => void) {
  const sockets: Socket[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => handler(request, response, body));
  });
  server.on('connection', (socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    connections: () => sockets.length,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('SubgraphClient', () => {
  let client: SubgraphClient;
  beforeEach(() => (client = new SubgraphClient()));
  afterEach(() => client.close());

  it('sends the body and headers, and reads status, headers and body', async () => {
    const subgraph = await standIn((request, response, body) => {
      response.setHeader('content-type', 'application/json');
      response.setHeader('x-sql-statements', '3');
      response.end(JSON.stringify({ data: { echoed: body, assertion: request.headers['x-test'] } }));
    });
    try {
      const answer = await client.post({
        url: subgraph.url,
        headers: { 'content-type': 'application/json', 'x-test': 'signed' },
        body: '{"query":"{ a }"}',
        signal: AbortSignal.timeout(5_000),
      });
      const response = fetcherResponse(answer, subgraph.url);
      expect(response.status).toBe(200);
      expect(response.ok).toBe(true);
      expect(response.headers.get('x-sql-statements')).toBe('3');
      expect(await response.json()).toEqual({ data: { echoed: '{"query":"{ a }"}', assertion: 'signed' } });
    } finally {
      await subgraph.close();
    }
  });

  it('keeps connections alive between calls instead of opening one per call', async () => {
    const subgraph = await standIn((_request, response) => response.end('{}'));
    try {
      for (let call = 0; call < 20; call += 1) {
        await client.post({ url: subgraph.url, headers: {}, body: '{}', signal: AbortSignal.timeout(5_000) });
      }
      // undici may open a second socket while it releases the first; never one per call.
      expect(subgraph.connections()).toBeLessThanOrEqual(2);
    } finally {
      await subgraph.close();
    }
  });

  it('gives up on a subgraph that never answers when its signal times out', async () => {
    const subgraph = await standIn(() => {
      // never answers
    });
    try {
      const started = Date.now();
      await expect(client.post({ url: subgraph.url, headers: {}, body: '{}', signal: AbortSignal.timeout(200) })).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await subgraph.close();
    }
  });

  it('stops reading when the chunk counter refuses more bytes', async () => {
    const subgraph = await standIn((_request, response) => {
      response.write('x'.repeat(64 * 1024));
      // The rest never comes: the client must not wait for it once the limit is passed.
    });
    try {
      let seen = 0;
      const call = client.post({
        url: subgraph.url,
        headers: {},
        body: '{}',
        signal: AbortSignal.timeout(10_000),
        onChunk: (bytes) => {
          seen += bytes;
          if (seen > 1024) throw new Error('too large');
        },
      });
      await expect(call).rejects.toThrow('too large');
    } finally {
      await subgraph.close();
    }
  });
});
