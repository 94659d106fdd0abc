import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { Clock } from '../clock';
import { loadDocumentLimits, loadDocumentScanConfig, type DocumentLimits } from '../config';
import { loaderPerArguments } from '../loaders';
import { requiredText } from '../input';
import { readListSize } from '../pagination';
import { createScheduledJob, type ScheduledJob } from '../scheduled-job';
import { DocumentStore, publicDocumentId, type DocumentRow, type DocumentSchema } from './document-store';
import { virusScannerFromConfig, type VirusScanner } from './virus-scan';

/**
 * What innovations and procurement share about documents beyond the store: the `Document` type's
 * resolvers (schema/documents.graphql), the per-request loader of a record's files, the expiry job,
 * and the store made from configuration.
 */

/** What a subgraph module may be handed for its documents; anything not given is read from configuration. */
export interface DocumentDependencies {
  limits?: DocumentLimits;
  /** Tests hand a scanner that finds what they planted; production reads CLAMD_URL. */
  scanner?: VirusScanner;
}

/** The subgraph's document store, from what it was handed and the configuration for the rest. */
export function createDocumentStore(schema: DocumentSchema, clock: Clock, given: DocumentDependencies = {}): DocumentStore {
  return new DocumentStore({
    schema,
    clock,
    limits: given.limits ?? loadDocumentLimits(process.env),
    scanner: given.scanner ?? virusScannerFromConfig(loadDocumentScanConfig(process.env)),
  });
}

/** Deletes uploads never attached, once per interval whatever the number of replicas. */
export function createUploadExpiryJob(store: DocumentStore, dataSource: DataSource, clock: Clock): ScheduledJob {
  return createScheduledJob({
    name: `${store.schema}:expire-uploads`,
    dataSource,
    clock,
    intervalMs: store.limits.expiryIntervalMs,
    run: async (manager, now) => {
      await store.expireUploads(manager, now);
    },
  });
}

/** Files of many records of one kind, `first` each, one statement per batch (DataLoader per argument set). */
export function createDocumentsLoader(store: DocumentStore, dataSource: DataSource, kind: string) {
  return loaderPerArguments(
    ({ first }: { first: number }) => new DataLoader<string, DocumentRow[]>((ids) => store.attachedTo(dataSource, kind, ids, first)),
  );
}

export type DocumentsLoader = ReturnType<typeof createDocumentsLoader>;

/** `first` for a list of documents: default 20, at most 100, as every list. */
export const documentListSize = (first: number | null | undefined) => readListSize(first);

/** A document's title as given: 1–200 characters. */
export const documentTitle = (title: string) => requiredText(title, { field: 'input.title', max: 200 });

/** The `Document` type's resolvers, the same in every subgraph that keeps files. */
export function documentResolvers(schema: DocumentSchema) {
  return {
    id: (document: DocumentRow) => publicDocumentId(schema, document.id),
    title: (document: DocumentRow) => document.title ?? document.fileName,
    // Only attached documents are ever answered as `Document`.
    attachedAt: (document: DocumentRow) => document.attachedAt!,
    scanStatus: (document: DocumentRow) => document.scan,
    downloadPath: (document: DocumentRow) => `/documents/${publicDocumentId(schema, document.id)}`,
  };
}
