import type { DataSource } from 'typeorm';
import { testPool } from '../tests/support/subgraph-harness';
import { createTestDatabase, type TestDatabase } from '../tests/support/test-database';
import { openDatabase, type SubgraphDatabase } from './database';
import { appendOnlyTrigger, dropAppendOnlyTrigger } from './migration-helpers';
import { defineRecorder, type DomainEventWriter } from './recorder';

/**
 * The recorder writes in the caller's transaction and the trigger helper makes its table refuse
 * rewrites, on a scratch table (both databases: PGlite and, with TEST_DATABASE_URL, PostgreSQL).
 */
interface Note {
  subjectId: string;
  actorId: string | null;
  reason?: string | null;
}

const subject = '00000000-0000-4000-8000-000000000001';
const actor = '00000000-0000-4000-8000-000000000002';
const at = new Date('2026-11-30T09:00:00Z');

let database: TestDatabase;
let opened: SubgraphDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  database = await createTestDatabase();
  opened = await openDatabase({
    schema: 'recorder_spec',
    url: database.url,
    pool: testPool,
    entities: [],
    migrations: [],
    logErrors: false,
  });
  dataSource = opened.dataSource;
  await dataSource.query(
    `CREATE TABLE recorder_spec.note (id bigserial PRIMARY KEY, subject_id uuid NOT NULL, actor_id uuid, reason text, noted_at timestamptz NOT NULL)`,
  );
  for (const statement of appendOnlyTrigger('recorder_spec.note')) await dataSource.query(statement);
});
afterAll(async () => {
  await opened?.close();
  await database?.drop();
});

const notes = defineRecorder<Note>({
  table: 'recorder_spec.note',
  atColumn: 'noted_at',
  columns: { subjectId: 'subject_id', actorId: 'actor_id', reason: 'reason' },
});

const rows = (): Promise<{ subject_id: string; actor_id: string | null; reason: string | null; noted_at: Date }[]> =>
  dataSource.query(`SELECT subject_id, actor_id, reason, noted_at FROM recorder_spec.note ORDER BY id`);

describe('defineRecorder', () => {
  it('writes the entry in the caller’s transaction, at the caller’s instant, absent fields as NULL', async () => {
    await dataSource.transaction((manager) => notes.record(manager, { at, subjectId: subject, actorId: actor }));
    expect(await rows()).toEqual([{ subject_id: subject, actor_id: actor, reason: null, noted_at: at }]);
  });

  it('leaves no entry when the caller’s transaction rolls back', async () => {
    const before = (await rows()).length;
    await expect(
      dataSource.transaction(async (manager) => {
        await notes.record(manager, { at, subjectId: subject, actorId: null, reason: 'rolled back' });
        // Inside the transaction the entry is there...
        expect(await manager.query(`SELECT count(*)::int AS n FROM recorder_spec.note WHERE reason = 'rolled back'`)).toEqual([{ n: 1 }]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    // ...and with the change refused, it is gone.
    expect(await rows()).toHaveLength(before);
  });

  it('refuses to write outside a transaction, where the entry would commit without its change', async () => {
    const before = (await rows()).length;
    await expect(notes.record(dataSource.manager, { at, subjectId: subject, actorId: actor })).rejects.toThrow(/none is open/);
    expect(await rows()).toHaveLength(before);
  });

  it('refuses an entry without its instant', async () => {
    await expect(
      dataSource.transaction((manager) => notes.record(manager, { at: new Date('not a date'), subjectId: subject, actorId: actor })),
    ).rejects.toThrow(/instant/);
  });

  it('calls the domain-event seam with the same transaction, so the event rolls back with the entry', async () => {
    const seen: { reason: string | null | undefined; inTransaction: boolean }[] = [];
    const domainEvent: DomainEventWriter<Note> = async (manager, entry) => {
      seen.push({ reason: entry.reason, inTransaction: manager.queryRunner?.isTransactionActive === true });
      throw new Error('the outbox refused');
    };
    const announced = defineRecorder<Note>({
      table: 'recorder_spec.note',
      atColumn: 'noted_at',
      columns: { subjectId: 'subject_id', actorId: 'actor_id', reason: 'reason' },
      domainEvent,
    });
    const before = (await rows()).length;
    await expect(
      dataSource.transaction((manager) => announced.record(manager, { at, subjectId: subject, actorId: actor, reason: 'announced' })),
    ).rejects.toThrow('the outbox refused');
    expect(seen).toEqual([{ reason: 'announced', inTransaction: true }]);
    expect(await rows()).toHaveLength(before);
  });

  it('takes only plain SQL identifiers for the table and its columns', () => {
    expect(() =>
      defineRecorder<Note>({
        table: 'recorder_spec.note; DROP TABLE x',
        atColumn: 'noted_at',
        columns: { subjectId: 'subject_id', actorId: 'actor_id', reason: 'reason' },
      }),
    ).toThrow(/not a plain SQL identifier/);
  });
});

describe('appendOnlyTrigger', () => {
  it('refuses UPDATE, DELETE and TRUNCATE with insufficient_privilege, naming the table and the operation', async () => {
    await dataSource.transaction((manager) => notes.record(manager, { at, subjectId: subject, actorId: actor, reason: 'kept' }));
    for (const [statement, operation] of [
      [`UPDATE recorder_spec.note SET reason = 'rewritten'`, 'UPDATE'],
      [`DELETE FROM recorder_spec.note`, 'DELETE'],
      [`TRUNCATE recorder_spec.note`, 'TRUNCATE'],
    ] as const) {
      await expect(dataSource.query(statement)).rejects.toMatchObject({
        message: `recorder_spec.note is append-only: ${operation} refused`,
        driverError: expect.objectContaining({ code: '42501' }),
      });
    }
    expect((await rows()).map((row) => row.reason)).toContain('kept');
  });

  it('is undone by dropAppendOnlyTrigger, in a down that keeps the table', async () => {
    await dataSource.query(`CREATE TABLE recorder_spec.scratch (id int)`);
    for (const statement of appendOnlyTrigger('recorder_spec.scratch')) await dataSource.query(statement);
    await dataSource.query(`INSERT INTO recorder_spec.scratch VALUES (1)`);
    await expect(dataSource.query(`DELETE FROM recorder_spec.scratch`)).rejects.toThrow(/append-only/);
    for (const statement of dropAppendOnlyTrigger('recorder_spec.scratch')) await dataSource.query(statement);
    await dataSource.query(`DELETE FROM recorder_spec.scratch`);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'refuse_scratch_change'`)).toEqual([{ n: 0 }]);
  });

  it('still produces, byte for byte, the function members and innovations created before it existed', () => {
    // Applied migrations call it (members 1764288000001, innovations 1764374400000): PostgreSQL keeps a
    // function's source as written, so a database migrated before and one migrated after must agree.
    // Change appendOnlyTrigger and this fails: add a new helper for new migrations instead.
    expect(appendOnlyTrigger('members.membership_decision')[0]).toBe(`
      CREATE FUNCTION members.refuse_membership_decision_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'members.membership_decision is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    expect(appendOnlyTrigger('innovations.audit_event')).toEqual([
      `
      CREATE FUNCTION innovations.refuse_audit_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'innovations.audit_event is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`,
      'CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON innovations.audit_event FOR EACH ROW EXECUTE FUNCTION innovations.refuse_audit_event_change()',
      'CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON innovations.audit_event FOR EACH STATEMENT EXECUTE FUNCTION innovations.refuse_audit_event_change()',
    ]);
  });
});
