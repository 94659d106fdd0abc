import { readFileSync } from 'node:fs';
import { parse, print, visit } from 'graphql';
import { composeSupergraph } from '../scripts/composition';
import { apiSchemaSdl, checkSchema, readIntendedBreakingChanges, releasedApiSchemaPath } from '../scripts/schema-checks';

/**
 * `npm run schema:check` as part of `npm test`: the composed API schema against the released one,
 * and proof that the check fails on a deliberate breaking change and on a broken schema rule.
 */
const releasedSdl = readFileSync(releasedApiSchemaPath, 'utf8');
const currentSdl = apiSchemaSdl(composeSupergraph().supergraphSdl!);

/** Edits one object or input type of an SDL through its AST. */
function editType(sdl: string, typeName: string, edit: (fields: any[]) => any[]): string {
  return print(
    visit(parse(sdl), {
      ObjectTypeDefinition: (node) => (node.name.value === typeName ? { ...node, fields: edit([...(node.fields ?? [])]) } : undefined),
      InputObjectTypeDefinition: (node) => (node.name.value === typeName ? { ...node, fields: edit([...(node.fields ?? [])]) } : undefined),
    }),
  );
}

const withoutTrl = (sdl: string) => editType(sdl, 'Innovation', (fields) => fields.filter((f) => f.name.value !== 'trl'));

describe('schema check', () => {
  it('passes for the composed API schema against the released one, with every intended break still listed for a reason', async () => {
    const outcome = await checkSchema({ releasedSdl, currentSdl, intended: readIntendedBreakingChanges() });
    expect({ breaking: outcome.breaking.map((c) => c.message), lint: outcome.lintProblems }).toEqual({ breaking: [], lint: [] });
    for (const intended of readIntendedBreakingChanges()) expect(intended.why.trim().length).toBeGreaterThan(10);
  });

  it('fails on a deliberate breaking change unless it is listed as intended', async () => {
    const broken = await checkSchema({ releasedSdl, currentSdl: withoutTrl(currentSdl), intended: [] });
    expect(broken.ok).toBe(false);
    expect(broken.breaking.map((c) => [c.type, c.path])).toEqual([['FIELD_REMOVED', 'Innovation.trl']]);

    const allowed = await checkSchema({
      releasedSdl,
      currentSdl: withoutTrl(currentSdl),
      intended: [{ type: 'FIELD_REMOVED', path: 'Innovation.trl', why: 'Replaced by readiness, deprecated for two releases.' }],
    });
    expect(allowed.ok).toBe(true);
    expect(allowed.intended).toHaveLength(1);
  });

  it('lets additions through: a described new field is a safe change', async () => {
    const added = editType(currentSdl, 'Innovation', (fields) => [
      ...fields,
      ...(parse('type X { """Where the innovation has been trialled."""\n trialSites: [String!]! }').definitions[0] as any).fields,
    ]);
    const outcome = await checkSchema({ releasedSdl, currentSdl: added, intended: [] });
    expect(outcome.ok).toBe(true);
    expect(outcome.safe.map((c) => c.path)).toContain('Innovation.trialSites');
  });

  it('fails when a field, argument or enum value is undescribed or misnamed', async () => {
    const undocumented = editType(currentSdl, 'Innovation', (fields) => [
      ...fields,
      ...(parse('type X { Trial_sites(Max: Int): [String!]! }').definitions[0] as any).fields,
    ]);
    const outcome = await checkSchema({ releasedSdl, currentSdl: undocumented, intended: [] });
    expect(outcome.ok).toBe(false);
    expect(outcome.lintProblems).toEqual([
      'Innovation.Trial_sites has no description',
      'Innovation.Trial_sites should be camelCase',
      'Innovation.Trial_sites(Max:) has no description',
      'Innovation.Trial_sites(Max:) should be camelCase',
    ]);
  });
});
