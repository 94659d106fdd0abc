import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const ocdsDirectory = path.join(__dirname, '../../subgraphs/procurement/ocds');
const load = (file: string) => JSON.parse(readFileSync(path.join(ocdsDirectory, file), 'utf8'));

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const releaseSchema = load('release-schema.json');
ajv.addSchema(releaseSchema);
export const validateRelease = ajv.compile(releaseSchema);
export const validatePackage = ajv.compile(load('release-package-schema.json'));

/** Codes of a codelist CSV (first column, header skipped). */
function codes(file: string): Set<string> {
  const lines = readFileSync(path.join(ocdsDirectory, 'codelists', file), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  return new Set(lines.map((line) => line.split(',')[0]!.replace(/^"|"$/g, '')));
}
export const closedCodelists = Object.fromEntries(
  readdirSync(path.join(ocdsDirectory, 'codelists')).map((file) => [file.replace(/\.csv$/, ''), codes(file)]),
);

/** Validates a release with the schema, then checks the closed codelists the schema does not enumerate. */
export function releaseProblems(release: any): string[] {
  const problems: string[] = [];
  if (!validateRelease(release)) problems.push(...(validateRelease.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
  const check = (list: string, value: unknown, where: string) => {
    if (value !== undefined && value !== null && !closedCodelists[list]!.has(String(value)))
      problems.push(`${where}: ${String(value)} not in ${list}`);
  };
  for (const tag of release.tag ?? []) check('releaseTag', tag, 'tag');
  check('initiationType', release.initiationType, 'initiationType');
  check('tenderStatus', release.tender?.status, 'tender.status');
  check('method', release.tender?.procurementMethod, 'tender.procurementMethod');
  for (const party of release.parties ?? []) for (const role of party.roles ?? []) check('partyRole', role, 'parties.roles');
  for (const award of release.awards ?? []) check('awardStatus', award.status, 'awards.status');
  for (const contract of release.contracts ?? []) check('contractStatus', contract.status, 'contracts.status');
  for (const related of release.relatedProcesses ?? [])
    for (const r of related.relationship ?? []) check('relatedProcess', r, 'relatedProcesses');
  return problems;
}
