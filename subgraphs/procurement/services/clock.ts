/** Where "now" comes from, so that tests move time instead of waiting for it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests set and move. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to);
  }
}

/** The calendar day of an instant, "YYYY-MM-DD" (UTC). */
export const dayOf = (instant: Date): string => instant.toISOString().slice(0, 10);
