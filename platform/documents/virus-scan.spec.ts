import net from 'node:net';
import { eicarSignatureName, eicarTestFile, startTestClamd, type TestClamd } from '../../tests/support/clamd';
import { loadDocumentScanConfig } from '../config';
import { developmentScannerSignature, VirusScanError, virusScannerFromConfig, type VirusScanner } from './virus-scan';

/**
 * Against a real clamd (Debian's clamav-daemon with an EICAR-only database, tests/support/clamd.ts):
 * the one global setup starts for the run (CLAMD_URL), or one of this file's own. CI installs
 * clamav-daemon (.ci/run); without it these tests fail under CI and are skipped elsewhere.
 */
let clamd: TestClamd | undefined;
let clamdUrl: string | undefined = process.env.CLAMD_URL;

beforeAll(async () => {
  if (!clamdUrl) {
    clamd = await startTestClamd();
    clamdUrl = clamd?.url;
  }
  if (!clamdUrl && process.env.CI) throw new Error('clamd is not installed: CI must install clamav-daemon (.ci/run)');
}, 60_000);
afterAll(() => clamd?.stop());

function scanner(env: Record<string, string> = {}): VirusScanner {
  return virusScannerFromConfig(loadDocumentScanConfig({ IPS_PROFILE: 'development', CLAMD_URL: clamdUrl, ...env }));
}

async function scan(target: VirusScanner, ...chunks: Buffer[]) {
  const session = await target.start();
  for (const chunk of chunks) await session.write(chunk);
  return session.finish();
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const withClamd = () => (clamdUrl ? it : it.skip);

describe('virus scanning with ClamAV', () => {
  withClamd()('refuses the EICAR test file, naming the signature', async () => {
    const verdict = await scan(scanner(), eicarTestFile());
    expect(verdict).toEqual({ verdict: 'infected', signature: expect.stringContaining(eicarSignatureName) as string });
  });

  withClamd()('finds EICAR split across chunks and behind other bytes', async () => {
    const file = Buffer.concat([Buffer.from('%PDF-1.4 preamble '), eicarTestFile()]);
    const verdict = await scan(scanner(), file.subarray(0, 30), file.subarray(30));
    expect(verdict.verdict).toBe('infected');
  });

  withClamd()('passes an ordinary file', async () => {
    const verdict = await scan(scanner(), Buffer.from('Freeze-thaw trial report: 40 cycles, no cracking.\n'));
    expect(verdict).toEqual({ verdict: 'clean' });
  });

  withClamd()('streams a large file in chunks, waiting for the socket (2 MB)', async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 'a');
    const verdict = await scan(scanner(), megabyte, megabyte, eicarTestFile());
    expect(verdict.verdict).toBe('infected');
  });

  withClamd()('refuses a file over the size cap rather than scanning part of it', async () => {
    const session = await scanner({ CLAMD_MAX_BYTES: '1000' }).start();
    await expect(session.write(Buffer.alloc(1001))).rejects.toBeInstanceOf(VirusScanError);
    await expect(session.finish()).rejects.toBeInstanceOf(VirusScanError);
  });

  withClamd()('gives no verdict after an abort', async () => {
    const session = await scanner().start();
    await session.write(Buffer.from('half a file'));
    session.abort();
    await expect(session.finish()).rejects.toBeInstanceOf(VirusScanError);
  });

  it('refuses when clamd is down: no connection is never "clean"', async () => {
    const down = scanner({ CLAMD_URL: `tcp://127.0.0.1:${await closedPort()}` });
    expect(down.available).toBe(true);
    await expect(scan(down, Buffer.from('anything'))).rejects.toBeInstanceOf(VirusScanError);
  });

  it('refuses when the scanner hangs past the time limit', async () => {
    const silent = net.createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const slow = scanner({ CLAMD_URL: `tcp://127.0.0.1:${port}`, CLAMD_TIMEOUT_MS: '300' });
      await expect(scan(slow, Buffer.from('anything'))).rejects.toThrow(/longer than 300 ms/);
    } finally {
      silent.close();
    }
  });

  it('refuses an answer it does not recognise (a scanner error)', async () => {
    const broken = net.createServer((socket) =>
      socket.on('data', (data: Buffer) => {
        if (data.subarray(-4).equals(Buffer.alloc(4))) socket.end("stream: Can't allocate memory ERROR\0");
      }),
    );
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const { port } = broken.address() as net.AddressInfo;
    try {
      const target = scanner({ CLAMD_URL: `tcp://127.0.0.1:${port}` });
      await expect(scan(target, Buffer.from('anything'))).rejects.toThrow(/ERROR/);
    } finally {
      broken.close();
    }
  });

  it('without a scanner, production is unavailable and refuses uploads (fail closed)', async () => {
    const production = virusScannerFromConfig(loadDocumentScanConfig({ NODE_ENV: 'production' }));
    expect(production.available).toBe(false);
    await expect(production.start()).rejects.toBeInstanceOf(VirusScanError);
  });

  it('without ClamAV, development keeps files marked "not scanned", never "clean"', async () => {
    const development = virusScannerFromConfig(loadDocumentScanConfig({ IPS_PROFILE: 'development' }));
    expect(development.available).toBe(true);
    await expect(scan(development, Buffer.from('%PDF-1.4 freeze-thaw trial report'))).resolves.toEqual({ verdict: 'not-scanned' });
  });

  it('without ClamAV, development refuses the EICAR test file alone, under a name that says it was no scan', async () => {
    const development = virusScannerFromConfig(loadDocumentScanConfig({ IPS_PROFILE: 'development' }));
    const infected = { verdict: 'infected', signature: developmentScannerSignature };
    await expect(scan(development, eicarTestFile())).resolves.toEqual(infected);
    // Split across chunks, behind other bytes.
    const file = Buffer.concat([Buffer.from('%PDF-1.4 preamble '), eicarTestFile(), Buffer.from(' trailer')]);
    await expect(scan(development, file.subarray(0, 40), file.subarray(40, 41), file.subarray(41))).resolves.toEqual(infected);
    // Most of it is not it.
    await expect(scan(development, eicarTestFile().subarray(0, 60))).resolves.toEqual({ verdict: 'not-scanned' });
    const aborted = await development.start();
    aborted.abort();
    await expect(aborted.finish()).rejects.toBeInstanceOf(VirusScanError);
  });

  it('the development scanner is never used outside the development profile', async () => {
    for (const env of [{}, { NODE_ENV: 'production' }, { NODE_ENV: 'test' }]) {
      const scanner = virusScannerFromConfig(loadDocumentScanConfig(env));
      expect(scanner.available).toBe(false);
      await expect(scanner.start()).rejects.toThrow(/CLAMD_URL/);
    }
  });

  it('reads CLAMD_URL as tcp://host:port or unix:/path and refuses anything else', () => {
    expect(loadDocumentScanConfig({ CLAMD_URL: 'tcp://clamav:3310' }).clamd).toEqual({ kind: 'tcp', host: 'clamav', port: 3310 });
    expect(loadDocumentScanConfig({ CLAMD_URL: 'unix:/run/clamav/clamd.ctl' }).clamd).toEqual({
      kind: 'unix',
      path: '/run/clamav/clamd.ctl',
    });
    expect(() => loadDocumentScanConfig({ CLAMD_URL: 'http://clamav:3310' })).toThrow(/CLAMD_URL/);
  });
});
