import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { subgraphVariableNames } from '../platform/config';
import { repositoryRoot } from '../platform/paths';
import { subgraphNames } from '../platform/subgraph-names';

/**
 * The process lifecycle of `npm start`, with real processes (compiled by `npm test`'s build step):
 * the runner started by npm exactly as the `start` script does (minus the build), on unusual ports,
 * with one embedded PostgreSQL in a temporary data directory shared by the cases (the first start
 * pays for initdb). Every case asserts that each process of the run is gone within 5 s.
 */
jest.setTimeout(180_000);

const dataDir = mkdtempSync(path.join(tmpdir(), 'ips-graph-lifecycle-'));
const npmPackageDir = mkdtempSync(path.join(tmpdir(), 'ips-graph-lifecycle-npm-'));
const buildStep = 'npm run --silent build && ';

beforeAll(() => {
  // npm runs the start script through `sh -c`; what follows the build step is what receives signals.
  const startScript =
    (JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ??
    '';
  expect(startScript.startsWith(buildStep)).toBe(true);
  const runScript = startScript.slice(buildStep.length).replace('node dist/', `node ${repositoryRoot}/dist/`);
  writeFileSync(
    path.join(npmPackageDir, 'package.json'),
    JSON.stringify({ name: 'lifecycle', private: true, scripts: { start: runScript } }),
  );
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(npmPackageDir, { recursive: true, force: true });
});

// Below Linux's ephemeral range (32768–60999 by default): a port there can be taken between our pick
// and npm start by any outgoing connection on the machine (a CI run saw 35796 taken that way).
let nextPort = 21_000 + Math.floor(Math.random() * 11_000);
function stackPorts(): Record<string, string> {
  const base = nextPort;
  nextPort += 10;
  const env: Record<string, string> = { GATEWAY_PORT: String(base) };
  for (const [index, name] of subgraphNames.entries()) env[subgraphVariableNames(name).port] = String(base + index + 1);
  // npm start also runs the GOV.UK Notify stand-in; its default port would collide between runs.
  env.NOTIFY_STAND_IN_PORT = String(base + 9);
  return env;
}

interface StartedRun {
  npm: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` in its own process group (as a terminal would run it), without the build step. */
function npmStart(ports: Record<string, string>): StartedRun {
  const npm = spawn('npm', ['start', '--silent', '--prefix', npmPackageDir], {
    cwd: npmPackageDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ...ports },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  return { npm, output: () => output, exited };
}

/** Waits for the ready banner and returns every pid of the run: npm, the runner, the services. */
async function waitForProcesses(
  run: StartedRun,
): Promise<{ npm: number; runner: number; services: number[]; byName: Record<string, number> }> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    const line = run
      .output()
      .split('\n')
      .find((l) => l.startsWith('Processes: '));
    if (line) {
      const pids = [...line.matchAll(/(\w+) (\d+)/g)].map((m) => ({ name: m[1], pid: Number(m[2]) }));
      // The runner, the embedded database, the GOV.UK Notify stand-in, every subgraph, the gateway.
      expect(pids.map((p) => p.name)).toEqual(['runner', 'database', 'notify', ...subgraphNames, 'gateway']);
      const [runner, ...services] = pids.map((p) => p.pid);
      return { npm: run.npm.pid!, runner: runner!, services, byName: Object.fromEntries(pids.map((p) => [p.name, p.pid])) };
    }
    if (run.npm.exitCode !== null) throw new Error(`npm start exited early:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the stack was not ready in time:\n${run.output()}`);
}

/** Alive and not a zombie (an orphan's zombie may linger where nothing reaps it). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function stillRunningAfter(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && pids.some(isRunning)) await new Promise((resolve) => setTimeout(resolve, 100));
  return pids.filter(isRunning);
}

function killLeftovers(pids: number[]) {
  for (const pid of pids.filter(isRunning)) process.kill(pid, 'SIGKILL');
}

describe('npm start stops everything', () => {
  const cases: [string, (pids: { npm: number; runner: number }) => void][] = [
    ['on SIGINT to npm', ({ npm }) => process.kill(npm, 'SIGINT')],
    ['on SIGTERM to the runner', ({ runner }) => process.kill(runner, 'SIGTERM')],
    ['on SIGINT to the process group (Ctrl-C in a terminal)', ({ npm }) => process.kill(-npm, 'SIGINT')],
  ];
  it.each(cases)('%s, within 5 s', async (_label, send) => {
    const run = npmStart(stackPorts());
    const pids = await waitForProcesses(run);
    const all = [pids.npm, pids.runner, ...pids.services];
    expect(all.every(isRunning)).toBe(true);
    send(pids);
    const left = await stillRunningAfter(all, 5_000);
    killLeftovers(left);
    expect(left).toEqual([]);
    expect(run.output()).toContain('Stopping IPS Graph');
  });

  it('when the runner is killed outright (SIGKILL): the services notice and exit within 10 s', async () => {
    const run = npmStart(stackPorts());
    const pids = await waitForProcesses(run);
    process.kill(pids.runner, 'SIGKILL');
    // Each exits at most orphanedStopDeadlineMs (3 s) after it notices; on a CI machine busy with
    // other suites, noticing and exiting once took two of them past 5 s.
    const left = await stillRunningAfter([pids.runner, ...pids.services], 10_000);
    killLeftovers([pids.npm, ...left]);
    expect(left).toEqual([]);
  });

  it('when a service exits unexpectedly: reports it and exits non-zero', async () => {
    const run = npmStart(stackPorts());
    const pids = await waitForProcesses(run);
    const members = pids.byName.members!;
    process.kill(members, 'SIGKILL');
    const left = await stillRunningAfter([pids.npm, pids.runner, ...pids.services], 5_000);
    killLeftovers(left);
    expect(left).toEqual([]);
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain('The members process exited unexpectedly (SIGKILL)');
  });
});

describe('npm start with a port already taken', () => {
  let occupier: Server;
  afterEach(() => new Promise<void>((resolve) => occupier.close(() => resolve())));

  it('names the port and the service, starts nothing, and exits non-zero', async () => {
    const ports = stackPorts();
    const taken = Number(ports[subgraphVariableNames('events').port]);
    occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(taken, '127.0.0.1', resolve));
    const run = npmStart(ports);
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain(`127.0.0.1:${taken} (events subgraph, set by EVENTS_PORT)`);
    expect(run.output()).toContain('already in use');
    expect(run.output()).not.toContain('ready at');
  });
});
