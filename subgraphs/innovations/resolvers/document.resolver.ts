import { documentResolvers } from '../../../platform/documents/document-graphql';
import type { DocumentResolvers } from '../generated/graphql';

/** An evidence file (schema/documents.graphql): the same shape procurement's files have. */
export const Document: DocumentResolvers = documentResolvers('innovations');
