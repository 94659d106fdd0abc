import { documentResolvers } from '../../../platform/documents/document-graphql';
import type { DocumentResolvers } from '../generated/graphql';

/** A tender pack's or a response's file (schema/documents.graphql): the same shape evidence files have. */
export const Document: DocumentResolvers = documentResolvers('procurement');
