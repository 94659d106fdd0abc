import { writeFileSync } from 'node:fs';
import { supergraphPath } from '../platform/paths';
import { composeSupergraph } from './composition';
import { writeDeploymentFiles } from './deployment-files';

/**
 * `npm run compose`: writes schema/supergraph.graphql, or lists why it cannot; then brings the
 * deployment files' per-subgraph sections in line with the subgraph registry (scripts/deployment-files.ts).
 */
const outcome = composeSupergraph();
for (const error of outcome.errors) console.error(`error: ${error}`);
for (const hint of outcome.unacknowledgedHints) console.error(`hint (not acknowledged): ${hint}`);
if (!outcome.supergraphSdl || outcome.unacknowledgedHints.length > 0) {
  console.error('Composition failed; schema/supergraph.graphql was not written.');
  process.exit(1);
}
writeFileSync(supergraphPath, outcome.supergraphSdl);
console.log(`Wrote ${supergraphPath}`);
for (const file of writeDeploymentFiles()) console.log(`Wrote ${file} (its sections for the subgraphs)`);
