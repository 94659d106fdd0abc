import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph } from './composition';
import { apiSchemaSdl, checkSchema, describeOutcome, readIntendedBreakingChanges, releasedApiSchemaPath } from './schema-checks';

/**
 * `npm run schema:check`: the freshly composed API schema against the released one (see
 * schema-checks.ts). `npm run schema:release` (`--release`) records the current API schema as
 * released, after the check passes, and empties nothing else: the intended-changes list is kept
 * as the record of why each break was made.
 */
async function main(): Promise<void> {
  const composition = composeSupergraph();
  if (!composition.supergraphSdl) {
    console.error(composition.errors.join('\n'));
    process.exit(1);
  }
  const currentSdl = apiSchemaSdl(composition.supergraphSdl);
  const outcome = await checkSchema({
    releasedSdl: readFileSync(releasedApiSchemaPath, 'utf8'),
    currentSdl,
    intended: readIntendedBreakingChanges(),
  });
  console.log(describeOutcome(outcome));
  if (!outcome.ok) process.exit(1);
  if (process.argv.includes('--release')) {
    writeFileSync(releasedApiSchemaPath, currentSdl);
    console.log(`Recorded the current API schema as released: ${releasedApiSchemaPath}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
