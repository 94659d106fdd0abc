import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueueInternals {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const sync = 'S'.charCodeAt(0);
const simpleQuery = 'Q'.charCodeAt(0);

/**
 * pglite-socket queues protocol messages one by one and, outside a transaction, interleaves the
 * connections between any two of them. PGlite is one session, so connection B's Parse can replace
 * the unnamed statement between connection A's Parse and Bind: seen here as "prepared statement
 * does not exist" (26000) once when four subgraphs migrated at once (not reproduced in isolation).
 * This queue keeps a connection's extended-protocol batch (Parse … Sync) together, as it keeps a
 * transaction together, and keeps going after a failed message instead of stalling every connection.
 */
function keepQueueBatchesTogether(queue: QueryQueueInternals): void {
  let midBatch = false;
  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clearQueueForHandler(handlerId);
    if (queue.lastHandlerId === handlerId && midBatch) {
      midBatch = false;
      void queue.processQueue();
    }
  };
  queue.processQueue = async () => {
    if (queue.processing || queue.queue.length === 0) return;
    queue.processing = true;
    try {
      while (queue.queue.length > 0) {
        let item: QueuedMessage | undefined;
        if (queue.lastHandlerId !== null && (midBatch || queue.db.isInTransaction())) {
          const index = queue.queue.findIndex((queued) => queued.handlerId === queue.lastHandlerId);
          if (index === -1) break; // its next message has not arrived yet
          item = queue.queue.splice(index, 1)[0];
        } else {
          item = queue.queue.shift();
        }
        if (!item) break;
        const type = item.message[0];
        // A startup message begins with its length (first byte 0); Sync and a simple query end a batch.
        midBatch = type !== 0 && type !== sync && type !== simpleQuery;
        queue.lastHandlerId = item.handlerId;
        try {
          let bytes = 0;
          const current = item;
          await queue.db.runExclusive(() =>
            queue.db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (error) {
          midBatch = false;
          item.reject(error);
        }
      }
    } finally {
      queue.processing = false;
    }
  };
}

/** Applies the above to a socket server's query queue (before it serves anyone). */
export function keepProtocolBatchesTogether(server: PGLiteSocketServer): void {
  keepQueueBatchesTogether((server as unknown as { queryQueue: QueryQueueInternals }).queryQueue);
}
