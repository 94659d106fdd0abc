import type { DataSource, EntityManager } from 'typeorm';
import { dayOf, type Clock } from '../../../platform/clock';
import { createScheduledJob, type ScheduledJob } from '../../../platform/scheduled-job';
import { collectDigestsIn } from './email-sender';

/** The daily digest goes out at the first tick once the clock passes this hour (UTC) each day. */
export const digestHourUtc = 7;
export const digestJobName = 'notifications:daily-digest';

/**
 * The daily digest as a scheduled job (platform/scheduled-job.ts) on the service's clock: each tick,
 * once across replicas, checks whether today's digest is due and not yet gathered. `digest_run`
 * records each day's in the tick's transaction, so a second replica (or a restarted one) finds the
 * day done: one digest a day, whichever replica gathers it, and a notice held after it waits for
 * tomorrow's.
 */
export function createDigestJob({
  dataSource,
  clock,
  intervalMs = 60_000,
}: {
  dataSource: DataSource;
  clock: Clock;
  intervalMs?: number;
}): ScheduledJob {
  return createScheduledJob({
    name: digestJobName,
    dataSource,
    clock,
    intervalMs,
    run: async (manager, now) => {
      await collectDailyDigest(manager, now);
    },
  });
}

/** Gathers today's digests if their hour has come and no run gathered them yet; resolves with how many digests it wrote. */
export async function collectDailyDigest(manager: EntityManager, now: Date): Promise<number> {
  if (now.getUTCHours() < digestHourUtc) return 0;
  const claimed = (await manager.query(
    `INSERT INTO notifications.digest_run (day, ran_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING RETURNING day`,
    [dayOf(now), now],
  )) as unknown[];
  if (claimed.length === 0) return 0;
  return collectDigestsIn(manager, now);
}
