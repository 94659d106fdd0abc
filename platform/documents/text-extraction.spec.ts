import { docxMediaType, minimalDocx, minimalPdf, pdfMediaType } from '../../tests/support/document-fixtures';
import { defaultTextExtractionLimits, extractDocumentText } from './text-extraction';

async function* inChunks(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  for (let at = 0; at < bytes.length; at += size) {
    await Promise.resolve();
    yield bytes.subarray(at, at + size);
  }
}

describe('document text extraction', () => {
  it('reads every page of a PDF, streamed in chunks', async () => {
    const pdf = minimalPdf([['Trial report: Acme Panel', 'Survived 40 freeze-thaw cycles'], ['Page two (appendix): salt spray']]);
    const text = await extractDocumentText(inChunks(pdf, 100), pdfMediaType);
    expect(text).toContain('freeze-thaw');
    expect(text).toContain('Page two (appendix): salt spray');
    expect(text).not.toMatch(/\s\s/);
  });

  it('reads the paragraphs of a Word .docx', async () => {
    const docx = minimalDocx(['Method statement', 'Resists freeze-thaw damage & de-icing salts <BS EN 12390>']);
    const text = await extractDocumentText(docx, `${docxMediaType}; charset=binary`);
    expect(text).toBe('Method statement Resists freeze-thaw damage & de-icing salts <BS EN 12390>');
  });

  it('has no text for other types, and none for a file that is not what it claims', async () => {
    await expect(extractDocumentText(Buffer.from('freeze-thaw'), 'text/plain')).resolves.toBeNull();
    await expect(extractDocumentText(Buffer.from('freeze-thaw'), 'image/png')).resolves.toBeNull();
    await expect(extractDocumentText(Buffer.from('not a pdf at all'), pdfMediaType)).resolves.toBeNull();
    await expect(extractDocumentText(Buffer.from('not a zip'), docxMediaType)).resolves.toBeNull();
  });

  it('keeps at most the character cap', async () => {
    const lines = Array.from({ length: 40 }, (_, n) => `line ${n} of a long report about freeze-thaw resistance`);
    const text = await extractDocumentText(minimalPdf([lines, lines]), pdfMediaType, {
      ...defaultTextExtractionLimits,
      maxCharacters: 100,
    });
    expect(text).toHaveLength(100);
  });

  it('parses in a worker: the event loop keeps turning through a whole 100-page PDF', async () => {
    const pages = Array.from({ length: 100 }, (_, n) =>
      Array.from({ length: 45 }, (__, line) => `Page ${n} line ${line}: the slab survived freeze-thaw cycle ${line} without scaling`),
    );
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 1);
    const started = performance.now();
    try {
      const text = await extractDocumentText(minimalPdf(pages), pdfMediaType, { ...defaultTextExtractionLimits, maxCharacters: 1_000_000 });
      expect(text).toContain('Page 99 line 44');
    } finally {
      clearInterval(ticker);
    }
    // A 1 ms timer fired at least once per 10 ms of the extraction (measured: ~700 in ~900 ms). The
    // same parse on the event loop lets it fire 4 times in ~800 ms: pdf.js's promise chain starves timers.
    expect(ticks).toBeGreaterThan((performance.now() - started) / 10);
  });

  it('gives up on a document that takes longer than the time limit', async () => {
    const pages = Array.from({ length: 400 }, (_, n) => Array.from({ length: 40 }, (__, line) => `page ${n} line ${line} freeze-thaw`));
    const started = performance.now();
    const text = await extractDocumentText(minimalPdf(pages), pdfMediaType, { ...defaultTextExtractionLimits, timeoutMs: 50 });
    expect(text).toBeNull();
    // The worker was terminated at the limit, not waited for (a full parse takes seconds).
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses to read a file over the input cap', async () => {
    const pdf = minimalPdf([['freeze-thaw']]);
    await expect(extractDocumentText(pdf, pdfMediaType, { ...defaultTextExtractionLimits, maxInputBytes: 100 })).resolves.toBeNull();
    await expect(
      extractDocumentText(inChunks(pdf, 50), pdfMediaType, { ...defaultTextExtractionLimits, maxInputBytes: 100 }),
    ).resolves.toBeNull();
  });
});
