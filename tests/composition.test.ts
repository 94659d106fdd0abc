import { readFileSync } from 'node:fs';
import { supergraphPath } from '../platform/paths';
import { composeSupergraph } from '../scripts/composition';

describe('supergraph composition', () => {
  const outcome = composeSupergraph();

  it('composes without errors or unacknowledged hints', () => {
    expect(outcome.errors).toEqual([]);
    expect(outcome.unacknowledgedHints).toEqual([]);
  });

  it('matches the committed schema/supergraph.graphql (run `npm run compose` after changing a subgraph schema)', () => {
    expect(readFileSync(supergraphPath, 'utf8')).toBe(outcome.supergraphSdl);
  });
});
