import net from 'node:net';
import type { DocumentScanConfig } from '../config';
import { logger } from '../logger';

export type { DocumentScanConfig } from '../config';

/**
 * What a scan found. `not-scanned` comes only from a development deployment without ClamAV (the
 * development scanner below); a scanner that fails (down, slow, an answer it cannot read) never
 * gives a verdict: `finish` rejects.
 */
export type ScanVerdict = { verdict: 'clean' } | { verdict: 'infected'; signature: string } | { verdict: 'not-scanned' };

/** One file on its way through the scanner, fed chunk by chunk as it arrives. */
export interface VirusScan {
  /** Resolves when the scanner has taken the chunk (backpressure); rejects when the scan has failed. */
  write(chunk: Buffer): Promise<void>;
  /** Ends the file and waits for the verdict; rejects when the scanner failed, so nothing is ever "clean" by accident. */
  finish(): Promise<ScanVerdict>;
  /** Gives up (the upload was abandoned); idempotent. */
  abort(): void;
}

export interface VirusScanner {
  /** Opens a scan; rejects when no scanner is reachable (or, in production, none is configured). */
  start(): Promise<VirusScan>;
  /** False in production without a configured scanner: uploads must be refused before they are read. */
  readonly available: boolean;
}

/** Why a scan gave no verdict; callers refuse the file. */
export class VirusScanError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VirusScanError';
  }
}

/** clamd's INSTREAM chunks are capped by its StreamMaxLength in total; 64 KiB keeps each write small. */
const maxChunkBytes = 64 * 1024;

export function virusScannerFromConfig(config: DocumentScanConfig): VirusScanner {
  if (config.clamd === undefined) {
    // Said once, at start-up (each subgraph makes its scanner with its document store).
    if (config.allowUnscanned) {
      logger('documents').warn(
        'CLAMD_URL is not set: uploads go through the DEVELOPMENT scanner, which refuses only the EICAR test file and scans nothing',
      );
      return developmentScanner;
    }
    logger('documents').warn('CLAMD_URL is not set: every upload is refused until a ClamAV daemon is configured');
    return unavailable;
  }
  const { clamd, timeoutMs, maxBytes } = config;
  return {
    available: true,
    start: () => startClamdScan(clamd, timeoutMs, maxBytes),
  };
}

/**
 * The EICAR anti-virus test file: harmless by design, reported by every scanner. Built from two
 * halves so that no scanner on a developer's machine or the repository host quarantines this source.
 */
export function eicarTestFile(): Buffer {
  return Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR' + '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');
}

const eicar = eicarTestFile();

/** What the development scanner names the one file it recognises: never mistaken for ClamAV's verdict. */
export const developmentScannerSignature = 'Eicar-Test-Signature (development scanner: EICAR only, not a virus scan)';

/**
 * Development without ClamAV (`npm start` on a laptop, IPS_PROFILE=development, no CLAMD_URL): NOT a
 * virus scanner. It refuses only the EICAR test file, so the refusal of an infected upload can be
 * tried end to end without installing ClamAV, and answers `not-scanned` for everything else: the file
 * is kept and marked NOT_SCANNED, never CLEAN. Outside the development profile it is never used
 * (`unavailable` instead: uploads are refused).
 */
const developmentScanner: VirusScanner = {
  available: true,
  start: () => {
    let aborted = false;
    let found = false;
    // The end of what came before, so a test string split across two chunks is still seen.
    let tail = Buffer.alloc(0);
    return Promise.resolve({
      write: (chunk: Buffer) => {
        if (aborted) return Promise.reject(new VirusScanError('scan aborted'));
        const window = Buffer.concat([tail, chunk]);
        found ||= window.includes(eicar);
        tail = window.subarray(Math.max(0, window.length - (eicar.length - 1)));
        return Promise.resolve();
      },
      finish: (): Promise<ScanVerdict> => {
        if (aborted) return Promise.reject(new VirusScanError('scan aborted'));
        return Promise.resolve(found ? { verdict: 'infected', signature: developmentScannerSignature } : { verdict: 'not-scanned' });
      },
      abort: () => {
        aborted = true;
      },
    });
  },
};

/** Production without ClamAV: fail closed. */
const unavailable: VirusScanner = {
  available: false,
  start: () => Promise.reject(new VirusScanError('no virus scanner is configured (CLAMD_URL); uploads are refused')),
};

type ClamdAddress = Exclude<DocumentScanConfig['clamd'], undefined>;

/**
 * One clamd INSTREAM session: `zINSTREAM\0`, then each chunk as a 4-byte big-endian length and its
 * bytes, then a zero length; clamd answers one NUL-terminated line (`stream: OK`,
 * `stream: <signature> FOUND`, or `… ERROR`). The whole session, connect to answer, is bounded by
 * `timeoutMs`; any failure rejects the pending write and the verdict.
 */
function startClamdScan(address: ClamdAddress, timeoutMs: number, maxBytes: number): Promise<VirusScan> {
  return new Promise((resolveStart, rejectStart) => {
    const socket = address.kind === 'tcp' ? net.connect({ host: address.host, port: address.port }) : net.connect({ path: address.path });
    let reply = '';
    let failure: VirusScanError | undefined;
    let settled: ScanVerdict | undefined;
    let sent = 0;
    let finishing = false;
    const verdictWaiters: { resolve: (v: ScanVerdict) => void; reject: (e: Error) => void }[] = [];

    const fail = (error: VirusScanError) => {
      if (failure || settled) return;
      failure = error;
      clearTimeout(timer);
      socket.destroy();
      rejectStart(error);
      for (const waiter of verdictWaiters.splice(0)) waiter.reject(error);
    };
    const timer = setTimeout(() => fail(new VirusScanError(`virus scan took longer than ${timeoutMs} ms`)), timeoutMs);
    timer.unref();

    const conclude = (line: string) => {
      let verdict: ScanVerdict | undefined;
      const found = /^stream: (.+) FOUND$/.exec(line);
      if (line === 'stream: OK') verdict = { verdict: 'clean' };
      else if (found) verdict = { verdict: 'infected', signature: found[1]! };
      if (!verdict) return fail(new VirusScanError(`virus scanner refused the file: ${line.slice(0, 200)}`));
      if (!finishing) return fail(new VirusScanError(`virus scanner answered before the file ended: ${line.slice(0, 200)}`));
      settled = verdict;
      clearTimeout(timer);
      socket.end();
      for (const waiter of verdictWaiters.splice(0)) waiter.resolve(verdict);
    };

    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => {
      reply += data.toString('utf8');
      // Guard against a peer that talks forever without a terminator.
      if (reply.length > 4096) return fail(new VirusScanError('virus scanner sent an unreadable answer'));
      const end = reply.search(/[\0\n]/);
      if (end >= 0) conclude(reply.slice(0, end).trim());
    });
    socket.on('end', () => {
      if (!settled)
        fail(
          new VirusScanError(
            reply ? `virus scanner answered: ${reply.trim().slice(0, 200)}` : 'virus scanner closed the connection without a verdict',
          ),
        );
    });
    socket.on('error', (error) => fail(new VirusScanError(`virus scanner unreachable: ${error.message}`, { cause: error })));
    socket.on('close', () => {
      if (!settled) fail(new VirusScanError('virus scanner connection closed without a verdict'));
    });

    /** Writes and waits for the socket to drain when its buffer is full, or for the scan to fail. */
    const send = (bytes: Buffer): Promise<void> => {
      if (failure) return Promise.reject(failure);
      if (socket.write(bytes)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          socket.off('close', onClose);
          resolve();
        };
        const onClose = () => {
          socket.off('drain', onDrain);
          reject(failure ?? new VirusScanError('virus scanner connection closed'));
        };
        socket.once('drain', onDrain);
        socket.once('close', onClose);
      });
    };

    socket.once('connect', () => {
      socket.write('zINSTREAM\0');
      resolveStart({
        async write(chunk) {
          if (finishing) throw new VirusScanError('write after finish');
          if (sent + chunk.length > maxBytes) {
            const error = new VirusScanError(`file is larger than the virus scanner accepts (${maxBytes} bytes)`);
            fail(error);
            throw error;
          }
          sent += chunk.length;
          for (let at = 0; at < chunk.length; at += maxChunkBytes) {
            const piece = chunk.subarray(at, at + maxChunkBytes);
            const length = Buffer.alloc(4);
            length.writeUInt32BE(piece.length);
            await send(Buffer.concat([length, piece]));
          }
        },
        finish() {
          if (failure) return Promise.reject(failure);
          if (settled) return Promise.resolve(settled);
          const verdict = new Promise<ScanVerdict>((resolve, reject) => verdictWaiters.push({ resolve, reject }));
          if (!finishing) {
            finishing = true;
            send(Buffer.alloc(4)).catch(() => undefined); // a failure reaches the waiter through `fail`
          }
          return verdict;
        },
        abort() {
          fail(new VirusScanError('scan aborted'));
        },
      });
    });
  });
}
