import { boundedList, httpsUrl, optionalText, requiredText, wholeNumber } from '../../../platform/input';
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

/** Validates everything before any SQL runs, so bad input changes nothing. */
export function readInnovationInput(input: InnovationInput): InnovationContent {
  const tags = boundedList(input.tags ?? [], { field: 'input.tags', max: contentLimits.tags, noun: 'tags' });
  const links = boundedList(input.links ?? [], { field: 'input.links', max: contentLimits.links, noun: 'links' });
  const trl = wholeNumber(input.trl, { field: 'input.trl', min: MIN_TRL, max: MAX_TRL });
  return {
    title: requiredText(input.title, { field: 'input.title', max: contentLimits.title }),
    summary: requiredText(input.summary, { field: 'input.summary', max: contentLimits.summary }),
    description: requiredText(input.description, { field: 'input.description', max: contentLimits.description }),
    category: input.category,
    tags: [
      ...new Set(tags.map((tag, index) => requiredText(tag, { field: `input.tags[${index}]`, max: contentLimits.tag }).toLowerCase())),
    ],
    trl,
    trlJustification: optionalText(input.trlJustification, { field: 'input.trlJustification', max: contentLimits.trlJustification }),
    pricingModel: input.pricingModel ?? null,
    suitsNations: [...new Set(input.suitsNations ?? [])],
    suitsOrganisationKinds: [...new Set(input.suitsOrganisationKinds ?? [])],
    links: links.map((link, index) => ({
      title: requiredText(link.title, { field: `input.links[${index}].title`, max: contentLimits.linkTitle }),
      url: httpsUrl(link.url, { field: `input.links[${index}].url`, max: contentLimits.url }),
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
