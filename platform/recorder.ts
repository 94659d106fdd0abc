import type { EntityManager } from 'typeorm';

/**
 * The one way to append to a record that must never be rewritten: an audit trail, a decision log,
 * a history of moves (each such table refuses UPDATE and DELETE in the database itself, see
 * platform/migration-helpers.ts `appendOnlyTrigger`).
 *
 * A recorder is defined once per table from a description of its columns, and writes with the
 * caller's EntityManager, so the entry commits or rolls back with the change it records: a refused
 * or failed change leaves no entry, and no entry is ever missing for a change that committed. The
 * entry's instant (`at`) is the caller's, read from the subgraph's injected clock (platform/clock.ts),
 * never the database's `now()`, so tests that move time see it in the record.
 *
 *   const decisions = defineRecorder<Decision>({
 *     table: 'members.membership_decision',
 *     atColumn: 'decided_at',
 *     columns: { organisationId: 'organisation_id', decidedBy: 'decided_by', … },
 *   });
 *   await this.dataSource.transaction(async (manager) => {
 *     …the change…
 *     await decisions.record(manager, { at: now, organisationId, decidedBy, … });
 *   });
 */
export interface RecordTable<Fields extends object> {
  /** The schema-qualified table, e.g. `procurement.audit_event`: a constant, never client input. */
  table: string;
  /** The column that holds the entry's instant (`at`, `decided_at`, `changed_at`, …). */
  atColumn: string;
  /** Every field of an entry and the column it goes to; a field left undefined is written as NULL. */
  columns: { readonly [K in keyof Fields]-?: string };
  /**
   * The domain event the entry announces (issue 25), written to the outbox (platform/outbox.ts
   * `recordDomainEvent`) by the same manager right after the entry, so the event exists exactly when
   * the entry does. For recorders whose entry alone carries the event's facts (members' membership
   * decisions); change sites that know more call `recordDomainEvent` themselves.
   */
  domainEvent?: DomainEventWriter<Fields>;
}

/** One entry: its fields and the instant it records, from the caller's clock. */
export type RecordEntry<Fields extends object> = Fields & { at: Date };

/** Writes the domain event for an entry, inside the entry's transaction (see `RecordTable.domainEvent`). */
export type DomainEventWriter<Fields extends object> = (manager: EntityManager, entry: Readonly<RecordEntry<Fields>>) => Promise<void>;

export interface Recorder<Fields extends object> {
  readonly table: string;
  /** Appends one entry in the transaction `manager` belongs to (refused outside a transaction). */
  record(manager: EntityManager, entry: RecordEntry<Fields>): Promise<void>;
}

/** A lower-case SQL identifier, optionally schema-qualified: table and column names are never quoted or escaped. */
const identifier = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

export function defineRecorder<Fields extends object>(description: RecordTable<Fields>): Recorder<Fields> {
  const { table, atColumn, columns, domainEvent } = description;
  const fields = Object.keys(columns) as (keyof Fields & string)[];
  const columnNames = [atColumn, ...fields.map((field) => columns[field])];
  for (const name of [table, ...columnNames]) {
    if (!identifier.test(name)) throw new Error(`defineRecorder(${table}): "${name}" is not a plain SQL identifier.`);
  }
  const insert = `INSERT INTO ${table} (${columnNames.join(', ')}) VALUES (${columnNames.map((_, i) => `$${i + 1}`).join(', ')})`;

  return {
    table,
    async record(manager, entry) {
      // Outside a transaction the entry would commit on its own, before (or without) the change it records.
      if (!manager.queryRunner?.isTransactionActive) {
        throw new Error(`${table}: an entry is recorded in the transaction of the change it records; none is open.`);
      }
      if (!(entry.at instanceof Date) || Number.isNaN(entry.at.getTime())) {
        throw new Error(`${table}: an entry needs the instant it records (from the subgraph's clock).`);
      }
      await manager.query(insert, [entry.at, ...fields.map((field) => entry[field] ?? null)]);
      if (domainEvent) await domainEvent(manager, entry);
    },
  };
}
