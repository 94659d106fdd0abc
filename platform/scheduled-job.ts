import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from './clock';
import { errorFields, logger } from './logger';

/**
 * A periodic job that runs once per tick however many replicas of its service run it (issue 25
 * item 5: reminders are sent once even with several replicas). Each replica ticks on its own timer;
 * each tick is one transaction that first takes `pg_try_advisory_xact_lock` on the job's name:
 *   - the replica that gets it runs the body in that transaction, and the lock goes with the
 *     commit or rollback;
 *   - a replica whose tick finds it held skips this tick at once (never queues behind it: a
 *     queued tick would run the body a second time straight after the first).
 * The lock is transaction-scoped, as migrations' is (platform/database.ts `migrateOnce`, named the
 * same way: `hashtext('ips-graph:…')`), so it works through PgBouncer's transaction pooling, where a
 * session lock could be released on another backend; and it needs no table.
 *
 * Two replicas whose timers fire moments apart can both run, one after the other. The body must
 * therefore record what it did in the same transaction (e.g. reminders marked sent) so that a run
 * just after another finds nothing left to do: the lock keeps runs apart, the body's own record
 * makes a repeat harmless.
 *
 * Time: `now` handed to the body is the injected clock's (platform/clock.ts), so tests move time
 * and call `runOnce`; the timer between ticks is real time (how often to look, not what time it is).
 * On the embedded database (PGlite, one transaction at a time) the lock is always free: it simply runs.
 */
export interface ScheduledJobOptions<Prepared = undefined> {
  /** Stable and unique per job (the lock is named after it), e.g. `notifications:send-reminders`. */
  name: string;
  dataSource: DataSource;
  clock: Clock;
  /** Real time between the end of one tick and the next. */
  intervalMs: number;
  /**
   * Optional work before the tick's transaction, without the lock, at the same `now`: reads that ask
   * another service (which must not wait on an open transaction: the embedded database runs one at a
   * time). Every replica may prepare; only the one that takes the lock runs the body with the result.
   */
  prepare?(now: Date): Promise<Prepared>;
  /** The work of one tick, in the tick's transaction, with the lock held; `now` is the clock's. */
  run(manager: EntityManager, now: Date, prepared: Prepared): Promise<void>;
}

export interface ScheduledJob {
  /** One tick: true if it ran the body, false if another replica held the lock. A failing body rolls back and throws. */
  runOnce(): Promise<boolean>;
  /** Starts ticking in the background (the first tick at once). */
  start(): void;
  /** Stops ticking and waits for a tick in flight to commit or roll back (call before the database closes). */
  stop(): Promise<void>;
}

/** The advisory lock's name: a job's lock never meets migrations' or another job's. */
export const scheduledJobLockName = (name: string) => `ips-graph:job:${name}`;

export function createScheduledJob<Prepared = undefined>(options: ScheduledJobOptions<Prepared>): ScheduledJob {
  const { name, dataSource, clock, intervalMs, prepare, run } = options;
  if (!name.trim()) throw new Error('scheduled job: a job needs a name (its lock is named after it).');
  if (!(intervalMs > 0)) throw new Error(`scheduled job ${name}: the interval must be positive; it was ${intervalMs}.`);
  const log = logger(`${name} job`);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let failing = false;

  async function runOnce(): Promise<boolean> {
    // One instant for both steps: the body acts on what was prepared for its moment.
    const preparedAt = prepare ? clock.now() : undefined;
    const preparation = (prepare ? await prepare(preparedAt!) : undefined) as Prepared;
    return dataSource.transaction(async (manager) => {
      const [{ locked }] = (await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [
        scheduledJobLockName(name),
      ])) as [{ locked: boolean }];
      if (!locked) return false;
      await run(manager, preparedAt ?? clock.now(), preparation);
      return true;
    });
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      running = tick().finally(() => (running = undefined));
    }, delayMs);
    // A pending tick never keeps the process alive: stopping is `stop()`'s, not the timer's.
    timer.unref();
  }

  async function tick(): Promise<void> {
    try {
      await runOnce();
      if (failing) log.info('running again');
      failing = false;
    } catch (error) {
      // Logged once per outage; the next tick tries again (its work is still there: the failed one rolled back).
      if (!failing) log.warn(errorFields(error), 'a tick failed; retrying at the next');
      failing = true;
    }
    schedule(intervalMs);
  }

  return {
    runOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
