import { badUserInput } from '../../../platform/errors';
import type { InnovationContent } from '../entities';
import type { InnovationInput } from '../generated/graphql';
import { MAX_TRL, MIN_TRL } from './innovation-criteria';

/** Input limits: every string a client sends has one. Named so tests pin them through the constant. */
export const contentLimits = {
  title: 200,
  summary: 500,
  description: 10_000,
  trlJustification: 300,
  tags: 20,
  tag: 50,
  links: 20,
  linkTitle: 200,
  url: 2000,
  /** Reasons, statements, notes and comments. */
  text: 2000,
  endorsement: 1000,
  shortText: 200,
  certificationScheme: 100,
  certificationReference: 100,
} as const;

/** A required string, trimmed, 1..max characters; BAD_USER_INPUT names the field otherwise. */
export function requiredText(value: string | null | undefined, field: string, max: number): string {
  const text = value?.trim() ?? '';
  if (text.length === 0) throw badUserInput(`"${field}" must not be empty.`, field);
  if (text.length > max) throw badUserInput(`"${field}" must be at most ${max} characters; it was ${text.length}.`, field);
  return text;
}

/** An optional string, trimmed; empty means null. */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  const text = value?.trim() ?? '';
  if (text.length === 0) return null;
  if (text.length > max) throw badUserInput(`"${field}" must be at most ${max} characters; it was ${text.length}.`, field);
  return text;
}

/** Only https: a catalogue page must not link to plain-http or script URLs. */
export function httpsUrl(value: string, field: string): string {
  const text = requiredText(value, field, contentLimits.url);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badUserInput(`"${field}" must be an https URL; "${text}" is not a URL.`, field);
  }
  if (url.protocol !== 'https:') throw badUserInput(`"${field}" must be an https URL; it was ${url.protocol}.`, field);
  return url.toString();
}

/** Validates everything before any SQL runs, so bad input changes nothing. */
export function readInnovationInput(input: InnovationInput): InnovationContent {
  const tags = input.tags ?? [];
  if (tags.length > contentLimits.tags) {
    throw badUserInput(`"input.tags" may hold at most ${contentLimits.tags} tags; it held ${tags.length}.`, 'input.tags');
  }
  const links = input.links ?? [];
  if (links.length > contentLimits.links) {
    throw badUserInput(`"input.links" may hold at most ${contentLimits.links} links; it held ${links.length}.`, 'input.links');
  }
  if (!Number.isInteger(input.trl) || input.trl < MIN_TRL || input.trl > MAX_TRL) {
    throw badUserInput(`"input.trl" must be a Technology Readiness Level from ${MIN_TRL} to ${MAX_TRL}; it was ${input.trl}.`, 'input.trl');
  }
  return {
    title: requiredText(input.title, 'input.title', contentLimits.title),
    summary: requiredText(input.summary, 'input.summary', contentLimits.summary),
    description: requiredText(input.description, 'input.description', contentLimits.description),
    category: input.category,
    tags: [...new Set(tags.map((tag, index) => requiredText(tag, `input.tags[${index}]`, contentLimits.tag).toLowerCase()))],
    trl: input.trl,
    trlJustification: optionalText(input.trlJustification, 'input.trlJustification', contentLimits.trlJustification),
    pricingModel: input.pricingModel ?? null,
    suitsNations: [...new Set(input.suitsNations ?? [])],
    suitsOrganisationKinds: [...new Set(input.suitsOrganisationKinds ?? [])],
    links: links.map((link, index) => ({
      title: requiredText(link.title, `input.links[${index}].title`, contentLimits.linkTitle),
      url: httpsUrl(link.url, `input.links[${index}].url`),
      kind: link.kind,
    })),
  };
}

/** The content an innovation row currently lists. */
export function contentOf(row: InnovationContent): InnovationContent {
  return {
    title: row.title,
    summary: row.summary,
    description: row.description,
    category: row.category,
    tags: row.tags,
    trl: row.trl,
    trlJustification: row.trlJustification,
    pricingModel: row.pricingModel,
    suitsNations: row.suitsNations,
    suitsOrganisationKinds: row.suitsOrganisationKinds,
    links: row.links,
  };
}
