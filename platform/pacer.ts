/**
 * Spaces work evenly at `unitsPerSecond`: `take(n)` resolves when this caller's `n` units fit the
 * pace (at once when the pacer has been idle), and books them, so callers after it wait for them.
 * Real time, not the graph's injected clock: the pace is kept for the machine and for services
 * outside it (Notify's rate limit), which the graph's clock does not move. Zero or undefined: no
 * pacing.
 */
export interface Pacer {
  take(units?: number): Promise<void>;
}

export function createPacer(unitsPerSecond: number | undefined): Pacer {
  const msPerUnit = unitsPerSecond ? 1000 / unitsPerSecond : 0;
  let nextFreeAt = 0;
  return {
    async take(units = 1) {
      if (msPerUnit === 0) return;
      const now = performance.now();
      const turn = Math.max(now, nextFreeAt);
      nextFreeAt = turn + units * msPerUnit;
      if (turn > now) await new Promise((resolve) => setTimeout(resolve, turn - now));
    },
  };
}
