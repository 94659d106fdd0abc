import type { FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';
import { Pool } from 'undici';

/**
 * The gateway's HTTP client for subgraph calls: one keep-alive connection pool per subgraph origin
 * (undici `Pool.request`), reading each answer as Node buffers. The global `fetch` costs the
 * gateway a web-streams layer per call (a ReadableStream for each body, a Request and a Response
 * object, a second copy to read it): under load it was 37% of the gateway's CPU (issue 10).
 *
 * A call is abandoned by its `signal` (the data source combines the subgraph timeout, the
 * client's request budget and the last waiter leaving); the body is counted as it arrives so an
 * oversized answer is dropped without being held whole.
 */
export interface SubgraphCall {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** Called with each chunk's size as it arrives; throw to stop reading (the size limit). */
  onChunk?: (bytes: number) => void;
}

/** A subgraph answer read whole. */
export interface SubgraphAnswer {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Buffer;
}

/** Connections kept open to one subgraph; more wait their turn (a subgraph's DB pool is 10 anyway). */
const connectionsPerSubgraph = 32;

export class SubgraphClient {
  private readonly pools = new Map<string, Pool>();

  private poolFor(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      // Timeouts are the caller's signal; undici's own 300 s defaults never fire first.
      pool = new Pool(origin, { connections: connectionsPerSubgraph, pipelining: 1 });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async post(call: SubgraphCall): Promise<SubgraphAnswer> {
    const url = new URL(call.url);
    const response = await this.poolFor(url.origin).request({
      method: 'POST',
      path: `${url.pathname}${url.search}`,
      headers: call.headers,
      body: call.body,
      signal: call.signal,
    });
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        call.onChunk?.(chunk.byteLength);
        chunks.push(chunk);
      }
    } catch (error) {
      response.body.destroy();
      throw error;
    }
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) headers.push([name, one]);
    }
    return { status: response.statusCode, statusText: '', headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) };
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }
}

/**
 * What @apollo/gateway reads of a subgraph response (status, headers, JSON or text), over an answer
 * already read: each caller sharing a fetch gets its own, without building a web Response.
 */
export function fetcherResponse(answer: SubgraphAnswer, url: string): FetcherResponse {
  let used = false;
  const text = async () => {
    used = true;
    return answer.body.toString('utf8');
  };
  const response: FetcherResponse = {
    get bodyUsed() {
      return used;
    },
    url,
    redirected: false,
    status: answer.status,
    ok: answer.status >= 200 && answer.status < 300,
    statusText: answer.statusText,
    headers: new Headers(answer.headers) as FetcherHeaders,
    text,
    json: async () => JSON.parse(await text()) as unknown,
    arrayBuffer: async () => {
      used = true;
      return new Uint8Array(answer.body).buffer;
    },
    clone: () => fetcherResponse(answer, url),
  };
  return response;
}
