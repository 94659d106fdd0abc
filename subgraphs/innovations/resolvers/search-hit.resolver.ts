import type { InnovationEdgeResolvers } from '../generated/graphql';

/** A catalogue search hit: the documents it matched come with the page (services/document-search.ts); other lists have none. */
export const InnovationEdge: InnovationEdgeResolvers = {
  matchedDocuments: (edge) => edge.matchedDocuments?.() ?? [],
};
