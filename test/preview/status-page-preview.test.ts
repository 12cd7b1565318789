/**
 * `npm run preview` as a user runs it: a real child process (ts-node, like the projen task)
 * that probes for real and serves the page; fetched with the header, then stopped with SIGTERM,
 * after which neither the process nor its port is left.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { config } from '../status-page/renderer/fixtures';

const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, 'test/preview/status-page-preview.ts');

interface Preview { child: ChildProcess; url: string; header: string; secret: string; output: () => string }

/** Starts the preview as the projen task does and waits for its PREVIEW line. */
function startPreview(args: string[]): Promise<Preview> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', join(ROOT, 'examples/resolve-package-from-src.ts'), SCRIPT, ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'test/tsconfig.json'), POWERTOOLS_LOG_LEVEL: 'WARN' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolvePreview, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^PREVIEW (\S+) (\S+) (\S+)$/m.exec(out);
      if (line) resolvePreview({ child, url: line[1], header: line[2], secret: line[3], output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`preview exited (${code}) before serving:\n${out}`)));
  });
}

/** SIGTERM, then the exit code; the process must be gone afterwards. */
async function stop(p: Preview): Promise<number | null> {
  const exited = new Promise<number | null>((r) => p.child.once('exit', (code) => r(code)));
  p.child.kill('SIGTERM');
  return exited;
}

function portIsClosed(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((r) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); r(false); });
    socket.once('error', () => r(true));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function fetchUntil(url: string, headers: Record<string, string>, done: (body: string) => boolean): Promise<string> {
  for (let i = 0; i < 60; i++) {
    const body = await (await fetch(url, { headers })).text();
    if (done(body)) return body;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url}: never as expected`);
}

let service: Server;
let dir: string;
beforeAll(async () => {
  service = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  dir = mkdtempSync(join(tmpdir(), 'preview-test-'));
});
afterAll(async () => {
  await new Promise<void>((r) => service.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

test('a given check list: probed for real, served behind the header, stopped cleanly', async () => {
  const checks = join(dir, 'checks.json');
  writeFileSync(checks, JSON.stringify(config({
    title: 'Preview test',
    failureThreshold: 1,
    successThreshold: 1,
    checks: [{ kind: 'http', name: 'local', displayName: 'Local service', url: `http://127.0.0.1:${(service.address() as AddressInfo).port}/`, method: 'GET', expectedStatusCodes: [200], timeoutMs: 2000 }],
  })));
  const preview = await startPreview(['--checks', checks, '--port', '0', '--interval', '1']);
  try {
    const auth = { [preview.header]: preview.secret };
    const page = await fetchUntil(preview.url, auth, (b) => b.includes('<span class="pill pill-up">Operational</span>'));
    expect(page).toContain('<h3>Local service</h3>');
    expect(page).toContain('All systems operational');
    const json = JSON.parse(await (await fetch(`${preview.url}status.json`, { headers: auth })).text());
    expect(json.checks[0]).toMatchObject({ name: 'local', status: 'up' });
    expect((await fetch(preview.url)).status).toBe(403);
  } finally {
    expect(await stop(preview)).toBe(0);
  }
  expect(alive(preview.child.pid!)).toBe(false);
  expect(await portIsClosed(preview.url)).toBe(true);
}, 120_000);

test('by default, the example app\'s checks', async () => {
  const preview = await startPreview(['--port', '0', '--interval', '30']);
  try {
    const page = await fetchUntil(preview.url, { [preview.header]: preview.secret }, (b) => b.includes('Orders database'));
    expect(page).toContain('Acme platform status');
    expect(page).toContain('<h3>Orders API</h3>');
  } finally {
    expect(await stop(preview)).toBe(0);
  }
  expect(alive(preview.child.pid!)).toBe(false);
  expect(await portIsClosed(preview.url)).toBe(true);
}, 120_000);
