/**
 * Where "now" comes from. Whether an event is upcoming or past depends on it, so tests pass a
 * fixed clock instead of waiting for time to move.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
