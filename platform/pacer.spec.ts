import { createPacer } from './pacer';

describe('createPacer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** When each `take` resolves, in ms after the first call. */
  async function resolvedAt(pacer: ReturnType<typeof createPacer>, takes: number[]): Promise<number[]> {
    const started = performance.now();
    const times: number[] = [];
    const all = takes.map((units) => pacer.take(units).then(() => times.push(performance.now() - started)));
    await jest.advanceTimersByTimeAsync(60_000);
    await Promise.all(all);
    return times;
  }

  it('lets the first take through at once and spaces the next by the units booked before it', async () => {
    // 1,000 a second: 500 units book half a second.
    expect(await resolvedAt(createPacer(1_000), [500, 500, 1, 1])).toEqual([0, 500, 1_000, 1_001]);
  });

  it('does not bank idle time: after a pause the next take is at once, the one after spaced again', async () => {
    const pacer = createPacer(10);
    await resolvedAt(pacer, [1]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(await resolvedAt(pacer, [1, 1])).toEqual([0, 100]);
  });

  it('never waits without a pace', async () => {
    expect(await resolvedAt(createPacer(undefined), [1_000, 1_000])).toEqual([0, 0]);
  });
});
