import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';

/**
 * What the benchmarks' processes use, read from /proc (Linux): CPU time and resident memory of a
 * process and its descendants, and the CPU of the PostgreSQL backends serving one database.
 */
const clockTicksPerSecond = 100;

function descendants(pid: number): number[] {
  const found = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) found.push(...descendants(Number(child)));
    }
  } catch {
    // the process has gone
  }
  return found;
}

/** CPU milliseconds (user + system) the process and its descendants have used so far. */
export function cpuMs(pid: number): number {
  let ticks = 0;
  for (const id of descendants(pid)) {
    try {
      const fields = readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / clockTicksPerSecond;
}

export function rssMb(pid: number): number {
  let kb = 0;
  for (const id of descendants(pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${id}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/**
 * The CPU the PostgreSQL server spends on the benchmark: its backends connected to the benchmark's
 * database (not those of anything else the server serves), read from /proc like the services.
 */
export class DatabaseCpu {
  private constructor(private readonly client: Client) {}

  static async connect(url: string): Promise<DatabaseCpu> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new DatabaseCpu(client);
  }

  /** CPU milliseconds used so far by each backend serving the database now (this watcher's own excluded). */
  async sample(): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return new Map(rows.map(({ pid }) => [pid, cpuMs(pid)]));
  }

  /** CPU used between two samples; a backend that appeared in between counts from its start. */
  static between(before: Map<number, number>, after: Map<number, number>): number {
    let used = 0;
    for (const [pid, ms] of after) used += ms - (before.get(pid) ?? 0);
    return used;
  }

  stop(): Promise<void> {
    return this.client.end();
  }
}
