import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { errorFields, logger } from '../logger';

/**
 * Searchable text from uploaded evidence (issue 28): PDF (Mozilla's pdf.js, `pdfjs-dist`) and Word
 * .docx (`mammoth`). Parsing a document is CPU work on bytes a supplier chose, so it never runs on
 * the subgraph's event loop: each extraction runs in a worker thread with a time limit, a heap limit
 * and a cap on the text it returns, and a worker that overruns is terminated. Extraction is best
 * effort: a file it cannot read gives no text (null) and the upload goes on.
 */

const pdfMediaType = 'application/pdf';
const docxMediaType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface TextExtractionLimits {
  /** Wall-clock time one extraction may take before its worker is terminated. */
  timeoutMs: number;
  /** Characters of text kept; the rest of a long document is not searchable. */
  maxCharacters: number;
  /** Bytes of document read; a larger file gives no text (uploads are capped well below). */
  maxInputBytes: number;
  /** Heap of one worker (V8 old generation), so a hostile file cannot exhaust the process. */
  maxHeapMb: number;
}

export const defaultTextExtractionLimits: TextExtractionLimits = {
  timeoutMs: 20_000,
  maxCharacters: 200_000,
  maxInputBytes: 30 * 1024 * 1024,
  maxHeapMb: 256,
};

/** Workers running at once in this process; further extractions wait their turn. */
const maxConcurrentWorkers = 2;

type DocumentKind = 'pdf' | 'docx';

function kindOf(mediaType: string): DocumentKind | undefined {
  const type = mediaType.split(';')[0]!.trim().toLowerCase();
  if (type === pdfMediaType) return 'pdf';
  if (type === docxMediaType) return 'docx';
  return undefined;
}

/**
 * The document's text, whitespace collapsed, at most `maxCharacters`; null when the type has no text
 * extraction or the file could not be read in time (logged). Never rejects.
 */
export async function extractDocumentText(
  bytes: AsyncIterable<Buffer> | Buffer,
  mediaType: string,
  limits: TextExtractionLimits = defaultTextExtractionLimits,
): Promise<string | null> {
  const kind = kindOf(mediaType);
  if (!kind) return null;
  try {
    const document = await collect(bytes, limits.maxInputBytes);
    if (!document) return null;
    const text = await inWorker(kind, document, limits);
    return normaliseText(text, limits.maxCharacters);
  } catch (error) {
    logger().warn({ ...errorFields(error), mediaType }, 'document text could not be extracted; it is not searchable');
    return null;
  }
}

async function collect(bytes: AsyncIterable<Buffer> | Buffer, maxBytes: number): Promise<Buffer | undefined> {
  if (Buffer.isBuffer(bytes)) return bytes.length > maxBytes ? undefined : bytes;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of bytes) {
    total += chunk.length;
    if (total > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Collapses runs of whitespace (PDF text items come with many) and cuts at the cap. */
function normaliseText(text: string, maxCharacters: number): string {
  return text.replaceAll('\u0000', ' ').replace(/\s+/g, ' ').trim().slice(0, maxCharacters);
}

let running = 0;
const waiting: (() => void)[] = [];

async function takeTurn(): Promise<() => void> {
  if (running >= maxConcurrentWorkers) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  return () => {
    running -= 1;
    waiting.shift()?.();
  };
}

/**
 * The worker's program. A string rather than a module: it must run as plain JavaScript in the worker
 * whether this file is the TypeScript source (tests) or compiled output (dist), and pdf.js is an ES
 * module loaded with `import()`, which the CommonJS compilation would rewrite into `require`. The
 * packages are resolved here, once, and their files handed over (`workerData.modules`).
 */
const workerModules = {
  pdfjs: require.resolve('pdfjs-dist/legacy/build/pdf.mjs'),
  pdfjsFonts: path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep,
  mammoth: require.resolve('mammoth'),
};

const workerProgram = String.raw`
const { workerData, parentPort } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const { kind, document, maxCharacters, modules } = workerData;

async function pdfText(data) {
  const pdfjs = await import(pathToFileURL(modules.pdfjs).href);
  const pdf = await pdfjs.getDocument({
    data,
    standardFontDataUrl: modules.pdfjsFonts,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  }).promise;
  let text = '';
  for (let number = 1; number <= pdf.numPages && text.length < maxCharacters; number += 1) {
    const page = await pdf.getPage(number);
    const content = await page.getTextContent();
    for (const item of content.items) {
      if (typeof item.str === 'string') text += item.str + (item.hasEOL ? '\n' : ' ');
    }
    text += '\n';
    page.cleanup();
  }
  await pdf.destroy();
  return text;
}

async function docxText(data) {
  const mammoth = require(modules.mammoth);
  const result = await mammoth.extractRawText({ buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
  return result.value;
}

(kind === 'pdf' ? pdfText(document) : docxText(document)).then(
  (text) => parentPort.postMessage({ text: text.slice(0, maxCharacters * 2) }),
  (error) => parentPort.postMessage({ error: String((error && error.message) || error) }),
);
`;

async function inWorker(kind: DocumentKind, document: Buffer, limits: TextExtractionLimits): Promise<string> {
  const release = await takeTurn();
  try {
    // A copy the worker owns (transferred, not cloned twice); the caller's buffer stays intact.
    const data = new Uint8Array(document);
    const worker = new Worker(workerProgram, {
      eval: true,
      workerData: { kind, document: data, maxCharacters: limits.maxCharacters, modules: workerModules },
      transferList: [data.buffer],
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb },
      stdout: true,
      stderr: true,
    });
    // pdf.js warns about odd fonts on stdout; nothing a worker prints matters to the service.
    worker.stdout.resume();
    worker.stderr.resume();
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`text extraction took longer than ${limits.timeoutMs} ms`));
        void worker.terminate();
      }, limits.timeoutMs);
      worker.once('message', (message: { text?: string; error?: string }) => {
        clearTimeout(timer);
        if (typeof message.text === 'string') resolve(message.text);
        else reject(new Error(`text extraction failed: ${message.error ?? 'no text'}`));
        void worker.terminate();
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`text extraction worker stopped (exit code ${code})`));
      });
    });
  } finally {
    release();
  }
}
