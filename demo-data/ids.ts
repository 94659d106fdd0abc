import { createHash } from 'node:crypto';

/**
 * Deterministic ids for the demo data set. Each subgraph seeds its own tables, yet a supplier's
 * innovations (innovations subgraph) and its admissions to lots (procurement subgraph) must name
 * the same organisation id (members subgraph): deriving every id from a stable key makes them agree
 * without any subgraph reading another's database.
 */
export function demoId(kind: string, key: string): string {
  const hex = createHash('sha1').update(`ips-graph-demo:${kind}:${key}`).digest('hex');
  // Formatted as a version-5 (name-based, SHA-1) UUID with the RFC 4122 variant.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A small seeded pseudo-random generator (mulberry32), so the demo data is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
