import { Client } from 'pg';

/**
 * The mixed load both chaos runs send (scripts/chaos.ts on one stack, scripts/chaos-replicas.ts on
 * the replica stack), so the two measure the same thing, and what the chaos runs share.
 */

/**
 * Two nullable root fields on two subgraphs: with events down the members half still answers
 * (partial). The request read back is the latest acknowledged one (`noRequestYet` before the first).
 */
export const readQuery = `query ChaosRead($id: ID!) { viewer { person { name } } supportRequest(id: $id) { id subject requester { name } } }`;
export const noRequestYet = '00000000-0000-4000-8000-000000000000';
/** The acknowledged write: a support request with a unique subject, or a refusal (then it was not made). */
export const writeMutation = `mutation ChaosWrite($input: RaiseSupportRequestInput!) { raiseSupportRequest(input: $input) { supportRequest { id subject } refusal { code message } } }`;
/** The demo buyer who reads and writes. */
export const writer = 'tom.fairweather@kent.gov.uk';

export type Outcome = 'completed' | 'partial' | 'failed';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Every connection to `databases` on the server, dropped (open transactions roll back): a database outage in a chaos run. */
export async function terminateServerConnections(serverUrl: string, databases: string[]): Promise<number> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const result = await client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()`,
      [databases],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}
