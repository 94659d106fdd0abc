import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eicarTestFile } from '../../platform/documents/virus-scan';

/**
 * A real ClamAV daemon for the tests (issue 28): Debian's `clamd` with a one-signature database
 * that `sigtool` builds here, detecting the EICAR test file, so no `freshclam` download is needed.
 * Production runs clamd with `freshclam`'s databases instead; the protocol the scanner speaks is the same.
 */

export { eicarTestFile } from '../../platform/documents/virus-scan';

export const eicarSignatureName = 'Eicar-Test-Signature';

const clamdCandidates = ['/usr/sbin/clamd', '/usr/bin/clamd', '/usr/local/sbin/clamd'];

/** Where clamd is installed, or undefined. */
export function clamdExecutable(): string | undefined {
  const found = clamdCandidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  const which = spawnSync('sh', ['-c', 'command -v clamd'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

/**
 * The one-signature database, built by ClamAV's own `sigtool`: an extended (.ndb) signature, target
 * any file (0), offset any (*), body the EICAR bytes as sigtool hex-dumps them, so EICAR is found
 * anywhere in a file, behind a PDF header or across stream chunks.
 */
function eicarDatabase(): string {
  const dump = spawnSync('sigtool', ['--hex-dump'], { input: eicarTestFile(), encoding: 'utf8' });
  if (dump.error || dump.status !== 0 || !/^[0-9a-f]+$/.test(dump.stdout.trim())) {
    throw new Error(`sigtool --hex-dump failed (install Debian's clamav package): ${dump.error?.message ?? dump.stderr}`);
  }
  return `${eicarSignatureName}:0:*:${dump.stdout.trim()}\n`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('connect', () => socket.write('zPING\0'));
    socket.on('data', (data: Buffer) => {
      reply += data.toString();
      if (reply.includes('PONG')) done(true);
    });
    socket.on('error', () => done(false));
  });
}

export interface TestClamd {
  /** `tcp://127.0.0.1:<port>`, for CLAMD_URL. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts clamd on a free loopback port with the EICAR-only database, or answers undefined when clamd
 * is not installed. The daemon runs under a shell that kills it when this process's end of its stdin
 * closes, so a test run that is killed outright does not leave a clamd behind.
 */
export async function startTestClamd(): Promise<TestClamd | undefined> {
  const executable = clamdExecutable();
  if (!executable) return undefined;
  const directory = mkdtempSync(path.join(os.tmpdir(), 'ips-clamd-'));
  const databaseDirectory = path.join(directory, 'db');
  const port = await freePort();
  mkdirSync(databaseDirectory);
  writeFileSync(path.join(databaseDirectory, 'eicar.ndb'), eicarDatabase());
  const configPath = path.join(directory, 'clamd.conf');
  writeFileSync(
    configPath,
    [
      'Foreground yes',
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `DatabaseDirectory ${databaseDirectory}`,
      `TemporaryDirectory ${directory}`,
      `LogFile ${path.join(directory, 'clamd.log')}`,
      // Above the largest document an upload may carry (25 MB) and the scanner's own cap (CLAMD_MAX_BYTES).
      'StreamMaxLength 30M',
      'MaxThreads 4',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('sh', ['-c', `"${executable}" -c "${configPath}" & pid=$!; read _ignored; kill $pid; wait $pid`], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.stdin?.end();
      throw new Error(`clamd did not start on 127.0.0.1:${port}; see ${path.join(directory, 'clamd.log')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `tcp://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin?.end();
        await exited;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
