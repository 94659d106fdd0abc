import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { entityTagsExtension } from '../platform/entity-tags';
import { isQuery, type GatewayContext } from './data-sources';

/**
 * What a request's answer contains, or what a mutation changed, as the subgraphs reported it
 * (platform/entity-tags.ts): the tags of every subgraph fetch the request made. An answer kept by the
 * public cache is dropped when a write changes one of its tags (gateway/public-response-cache.ts).
 */
export interface AnswerContents {
  /** `query`: the tags of every fetch; `mutation`: those of the fetches that wrote (what was changed), not of the reads after them. */
  of: 'query' | 'mutation';
  tags: Set<string>;
  /** False once a fetch could not say: it failed, or its answer carried no report. Then the answer is not kept, or the write changed anything. */
  complete: boolean;
  /** How many fetches reported: a mutation none of whose fetches said what it changed may have changed anything. */
  reports: number;
}

/** What a mutation changed, as `CacheGeneration.advance` takes it: undefined when it cannot say. */
export function changedBy(contents: AnswerContents | undefined): ReadonlySet<string> | undefined {
  return contents?.of === 'mutation' && contents.complete && contents.reports > 0 ? contents.tags : undefined;
}

export function startContents(of: AnswerContents['of']): AnswerContents {
  return { of, tags: new Set(), complete: true, reports: 0 };
}

/** Adds one fetch's report to `contents`; `undefined` (no report) makes them incomplete. */
export function noteContents(contents: AnswerContents, reported: unknown): void {
  if (!Array.isArray(reported)) {
    contents.complete = false;
    return;
  }
  contents.reports += 1;
  for (const tag of reported) if (typeof tag === 'string') contents.tags.add(tag);
}

/**
 * A subgraph data source whose answers' reports go into the request's `contents`, when the request
 * collects them (an anonymous query the cache may keep, or a mutation). One wrapper around every
 * data source, so HTTP and in-process subgraphs report alike.
 */
export function collectingContents(inner: GraphQLDataSource<GatewayContext>): GraphQLDataSource<GatewayContext> {
  return {
    async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
      const contents = (options.context as GatewayContext | undefined)?.contents;
      const counted = contents !== undefined && (contents.of === 'query' || !isQuery(options.request.query));
      try {
        // Only a fetch whose report is used asks for it: the subgraph's tagging is not free.
        const response = await inner.process(
          counted
            ? { ...options, request: { ...options.request, extensions: { ...options.request.extensions, [entityTagsExtension]: true } } }
            : options,
        );
        if (counted) noteContents(contents, response.extensions?.[entityTagsExtension]);
        return response;
      } catch (error) {
        if (counted) contents.complete = false;
        throw error;
      }
    },
  };
}
