import { fromBuffer } from 'file-type';

/**
 * What a document really is, read from its first bytes, never from its name or the client's
 * Content-Type (issue 28 item 3). The `file-type` package recognises binary formats by their magic
 * numbers; CSV has none, so a head of printable UTF-8 text with a consistent field separator is
 * taken as CSV. Only the formats a procurement or evidence file needs are accepted: PDF, Word and
 * Excel (Office Open XML), CSV, PNG and JPEG. Legacy binary Office files (.doc/.xls, OLE2) are
 * refused: they cannot be told apart from each other by their header and are the usual carrier of
 * macro viruses.
 *
 * file-type 16.5.4 is the last CommonJS release; later ones are ES-module only, which this
 * CommonJS codebase (Node 20, tsc and jest to CommonJS) cannot `require`.
 */
export const acceptedMediaTypes = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/csv': 'csv',
  'image/png': 'png',
  'image/jpeg': 'jpg',
} as const;

export type AcceptedMediaType = keyof typeof acceptedMediaTypes;

/** How many leading bytes are enough to decide (an Office file's `word/` or `xl/` entry sits within them). */
export const sniffBytes = 64 * 1024;

/** The accepted media type of a file starting with `head`, or null when it is none of them. */
export async function sniffMediaType(head: Buffer): Promise<AcceptedMediaType | null> {
  if (head.length === 0) return null;
  const found = await fromBuffer(head);
  if (found) return found.mime in acceptedMediaTypes ? (found.mime as AcceptedMediaType) : null;
  return looksLikeCsv(head) ? 'text/csv' : null;
}

/**
 * Printable UTF-8 text (tabs and line ends allowed, no NUL or other control bytes) whose first
 * complete lines have the same number (at least one) of commas or semicolons: a spreadsheet export,
 * not a script or an HTML page that happens to contain a comma.
 */
function looksLikeCsv(head: Buffer): boolean {
  // A multi-byte character may be cut at the end of the head: decode what is certainly whole.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  if (text.includes('\uFFFD') && text.indexOf('\uFFFD') < text.length - 4) return false;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text)) return false;
  if (/^\s*</.test(text)) return false; // HTML, XML or SVG
  const lines = text.split(/\r?\n/);
  // The last line may be cut off by the head's end; keep it only when the file ended within the head.
  const whole = head.length < sniffBytes ? lines.filter((line) => line.length > 0) : lines.slice(0, -1).filter((line) => line.length > 0);
  if (whole.length === 0) return false;
  const sample = whole.slice(0, 20);
  for (const separator of [',', ';']) {
    const counts = sample.map((line) => line.split(separator).length - 1);
    if (counts[0]! > 0 && counts.every((count) => count === counts[0])) return true;
  }
  return false;
}

/** The file extension a download is named with, so a saved file opens as what it was sniffed as. */
export function extensionOf(mediaType: AcceptedMediaType): string {
  return acceptedMediaTypes[mediaType];
}

/** The longest file name kept, in characters (before the extension is fixed). */
const maxFileNameLength = 120;

/**
 * A file name safe to store and to send back in `Content-Disposition`: no directories, no control
 * or shell-special characters, no leading dots, at most 120 characters, and always ending in the
 * extension of what the file was sniffed as (a PDF named `invoice.exe` is saved as `invoice.pdf`).
 * An empty name becomes `document.<ext>`.
 */
export function sanitiseFileName(given: string | undefined, mediaType: AcceptedMediaType): string {
  const base = (given ?? '')
    .normalize('NFC')
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001F\u007F"*:<>?|`$;&%]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s-]+/, '')
    .trim();
  const withoutExtension = base
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .slice(0, maxFileNameLength)
    .trim();
  return `${withoutExtension || 'document'}.${extensionOf(mediaType)}`;
}
