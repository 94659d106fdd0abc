/**
 * Where "now" comes from for domain time: deadlines, expiry, the instant a decision or an audit
 * entry records, which events are upcoming. Each subgraph module factory is given one clock and
 * hands it to its request context, so services read `clock.now()` and never the wall clock: tests
 * move time (a ManualClock) instead of waiting for it, and one clock moves the whole graph.
 * Timestamps the database writes by default (`created_at DEFAULT now()`) are bookkeeping, not
 * domain time, and stay with the database.
 */
export interface Clock {
  now(): Date;
}

/** The wall clock: what every service runs on in production. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests set and move; it stands still in between, so every read in a step agrees. */
export class ManualClock implements Clock {
  private current: Date;
  constructor(start: Date | string) {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to);
  }
  /** Moves the clock on by `ms` milliseconds. */
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** The calendar day of an instant, "YYYY-MM-DD" (UTC). */
export const dayOf = (instant: Date): string => instant.toISOString().slice(0, 10);
