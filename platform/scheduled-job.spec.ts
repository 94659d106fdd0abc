import { testPool } from '../tests/support/subgraph-harness';
import { createTestDatabase, itOnServer, type TestDatabase } from '../tests/support/test-database';
import { ManualClock } from './clock';
import { openDatabase, type SubgraphDatabase } from './database';
import { createScheduledJob, scheduledJobLockName } from './scheduled-job';

/**
 * platform/scheduled-job.ts on a scratch database: a tick runs its body in one transaction with the
 * injected clock's now, a failing body leaves nothing, stop waits for a tick in flight; and (server
 * pass: PGlite runs one transaction at a time, so nothing can race there) two replicas ticking at
 * once run the body once.
 */
let database: TestDatabase;
/** Two "replicas": two pools on the same database, as two processes would have. */
const replicas: SubgraphDatabase[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  for (let i = 0; i < 2; i += 1) {
    const opened = await openDatabase({
      schema: 'jobs_spec',
      url: database.url,
      pool: testPool,
      entities: [],
      migrations: [],
      logErrors: false,
    });
    await opened.migrate();
    replicas.push(opened);
  }
  await replicas[0]!.dataSource.query(`CREATE TABLE jobs_spec.run (replica int NOT NULL, at timestamptz NOT NULL)`);
});
afterAll(async () => {
  for (const opened of replicas) await opened.close();
  await database?.drop();
});
beforeEach(async () => {
  await replicas[0]!.dataSource.query(`DELETE FROM jobs_spec.run`);
});

const runs = async () =>
  (await replicas[0]!.dataSource.query(`SELECT replica, at FROM jobs_spec.run ORDER BY at, replica`)) as { replica: number; at: Date }[];

/** A job on replica `i` whose body writes a row (so it is seen to run in the tick's transaction) after `gate`. */
function job(i: number, clock: ManualClock, gate: Promise<void> = Promise.resolve(), onEnter: () => void = () => {}) {
  return createScheduledJob({
    name: 'jobs-spec:remind',
    dataSource: replicas[i]!.dataSource,
    clock,
    intervalMs: 20,
    async run(manager, now) {
      onEnter();
      await manager.query(`INSERT INTO jobs_spec.run (replica, at) VALUES ($1, $2)`, [i, now]);
      await gate;
    },
  });
}

describe('a scheduled job', () => {
  it('runs its body in a transaction at the injected clock, as often as it is ticked', async () => {
    const clock = new ManualClock('2026-11-30T09:00:00Z');
    const reminders = job(0, clock);
    expect(await reminders.runOnce()).toBe(true);
    clock.advance(24 * 60 * 60 * 1000);
    expect(await reminders.runOnce()).toBe(true);
    expect(await runs()).toEqual([
      { replica: 0, at: new Date('2026-11-30T09:00:00Z') },
      { replica: 0, at: new Date('2026-12-01T09:00:00Z') },
    ]);
  });

  it('rolls a failing tick back, lock and all, and the next tick runs', async () => {
    const clock = new ManualClock('2026-11-30T09:00:00Z');
    const failing = createScheduledJob({
      name: 'jobs-spec:remind',
      dataSource: replicas[0]!.dataSource,
      clock,
      intervalMs: 20,
      async run(manager) {
        await manager.query(`INSERT INTO jobs_spec.run (replica, at) VALUES (0, now())`);
        throw new Error('Notify away');
      },
    });
    await expect(failing.runOnce()).rejects.toThrow('Notify away');
    expect(await runs()).toEqual([]);
    expect(await job(1, clock).runOnce()).toBe(true);
    expect(await runs()).toHaveLength(1);
  });

  it('prepares outside the tick’s transaction, and the body acts on what was prepared at the same now', async () => {
    const clock = new ManualClock('2026-11-30T09:00:00Z');
    const seen: unknown[] = [];
    const prepared = createScheduledJob({
      name: 'jobs-spec:remind',
      dataSource: replicas[0]!.dataSource,
      clock,
      intervalMs: 20,
      // Outside the transaction: on the embedded database (one transaction at a time) a read from
      // the pool inside it would wait for it, and the tick would never end.
      async prepare(now) {
        const [{ count }] = (await replicas[0]!.dataSource.query(`SELECT count(*)::int AS count FROM jobs_spec.run`)) as [
          { count: number },
        ];
        clock.advance(60_000);
        return { count, now };
      },
      async run(manager, now, preparation) {
        seen.push(now, preparation);
        await manager.query(`INSERT INTO jobs_spec.run (replica, at) VALUES (0, $1)`, [now]);
      },
    });
    expect(await prepared.runOnce()).toBe(true);
    const at = new Date('2026-11-30T09:00:00Z');
    expect(seen).toEqual([at, { count: 0, now: at }]);
    expect(await runs()).toEqual([{ replica: 0, at }]);
  });

  it('a failing preparation runs nothing, and the next tick prepares again', async () => {
    const clock = new ManualClock('2026-11-30T09:00:00Z');
    let attempts = 0;
    const flaky = createScheduledJob({
      name: 'jobs-spec:remind',
      dataSource: replicas[0]!.dataSource,
      clock,
      intervalMs: 20,
      async prepare() {
        attempts += 1;
        if (attempts === 1) throw new Error('innovations away');
        return attempts;
      },
      async run(manager, now, attempt) {
        await manager.query(`INSERT INTO jobs_spec.run (replica, at) VALUES ($1, $2)`, [attempt, now]);
      },
    });
    await expect(flaky.runOnce()).rejects.toThrow('innovations away');
    expect(await runs()).toEqual([]);
    expect(await flaky.runOnce()).toBe(true);
    expect(await runs()).toEqual([{ replica: 2, at: new Date('2026-11-30T09:00:00Z') }]);
  });

  it('ticks in the background until stopped, and stop waits for the tick in flight', async () => {
    const clock = new ManualClock('2026-11-30T09:00:00Z');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const background = job(0, clock, gate, () => entered());
    background.start();
    await inside;
    const stopping = background.stop();
    let stoppedYet = false;
    void stopping.then(() => (stoppedYet = true));
    await new Promise((wait) => setTimeout(wait, 50));
    expect(stoppedYet).toBe(false);
    release();
    await stopping;
    const count = (await runs()).length;
    expect(count).toBe(1);
    // Stopped: no further tick, however long we wait.
    await new Promise((wait) => setTimeout(wait, 100));
    expect(await runs()).toHaveLength(count);
  });

  it('refuses a job without a name or a positive interval', () => {
    const base = { dataSource: replicas[0]!.dataSource, clock: new ManualClock('2026-11-30T09:00:00Z'), run: async () => {} };
    expect(() => createScheduledJob({ ...base, name: ' ', intervalMs: 10 })).toThrow(/needs a name/);
    expect(() => createScheduledJob({ ...base, name: 'x', intervalMs: 0 })).toThrow(/positive/);
  });

  itOnServer('runs once when two replicas tick at the same moment: the other skips, never queues', async () => {
    const clock = new ManualClock('2026-11-30T09:00:00Z');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const [first, second] = [job(0, clock, gate, () => entered()), job(1, clock)];
    const firstTick = first.runOnce();
    await inside; // the first holds the lock, mid-body
    expect(await second.runOnce()).toBe(false);
    release();
    expect(await firstTick).toBe(true);
    expect(await runs()).toEqual([{ replica: 0, at: new Date('2026-11-30T09:00:00Z') }]);
    // The lock went with the first tick's commit: the next tick runs on either replica.
    expect(await second.runOnce()).toBe(true);
    expect((await runs()).map((run) => run.replica)).toEqual([0, 1]);
  });

  itOnServer('many replicas ticking together: the body runs once per tick', async () => {
    const clock = new ManualClock('2026-11-30T09:00:00Z');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const jobs = [job(0, clock, gate), job(1, clock, gate), job(0, clock, gate), job(1, clock, gate)];
    let skipped = 0;
    const ticks = jobs.map((each) => each.runOnce().then((ran) => ((skipped += ran ? 0 : 1), ran)));
    // Every tick but the one holding the lock skips at once, while the holder is still in its body.
    while (skipped < jobs.length - 1) await new Promise((wait) => setTimeout(wait, 5));
    release();
    const ran = await Promise.all(ticks);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(await runs()).toHaveLength(1);
  });

  it('names its lock apart from migrations', () => {
    expect(scheduledJobLockName('notifications:send-reminders')).toBe('ips-graph:job:notifications:send-reminders');
  });
});
