import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ManualClock } from './clock';

/**
 * The house rule behind platform/clock.ts: subgraph code takes domain time from the clock its
 * module was given, never from the wall clock, or a test that moves the clock silently stops
 * governing it (members' invitations did exactly that). The files allowed to read the wall clock:
 */
const allowedToReadWallClock = [
  /\.spec\.ts$/, // unit tests
  /\/seed\.ts$/, // demo data, dated from the day it is seeded
];

const wallClockRead = /new Date\(\s*\)|Date\.now\(\s*\)/;
const subgraphsDirectory = join(__dirname, '..', 'subgraphs');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('subgraphs read time only from their injected clock', () => {
  it('the check recognises a wall-clock read', () => {
    expect(wallClockRead.test('const expiresAt = new Date(Date.now() + lifetime);')).toBe(true);
    expect(wallClockRead.test('acceptedAt: new Date()')).toBe(true);
    expect(wallClockRead.test('new Date(this.clock.now().getTime() + lifetime)')).toBe(false);
  });

  it('no subgraph file outside the allow-list calls new Date() or Date.now()', () => {
    const files = sourceFiles(subgraphsDirectory).map((path) => relative(join(subgraphsDirectory, '..'), path).split('\\').join('/'));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files
      .filter((file) => !allowedToReadWallClock.some((allowed) => allowed.test(file)))
      .filter((file) => wallClockRead.test(readFileSync(join(subgraphsDirectory, '..', file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('a ManualClock stands still until it is set or advanced, and hands out copies', () => {
    const clock = new ManualClock('2026-11-30T09:00:00Z');
    const read = clock.now();
    read.setUTCFullYear(2000);
    expect(clock.now().toISOString()).toBe('2026-11-30T09:00:00.000Z');
    clock.advance(60_000);
    expect(clock.now().toISOString()).toBe('2026-11-30T09:01:00.000Z');
    clock.set('2027-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
