import { LocalServer, TestCertificate, freePort, makeCertificate, sleep, startHttpServer, startHttpsServer } from './helpers/local-servers';
import { HttpCheckConfig } from '../../../src/status-page/runtime/model';
import { MAX_BODY_BYTES, probeHttp } from '../../../src/status-page/runtime/probe-http';

const DAY_MS = 86_400_000;

function check(url: string, extra: Partial<HttpCheckConfig> = {}): HttpCheckConfig {
  return {
    kind: 'http', name: 'svc', displayName: 'Service', url, method: 'GET', expectedStatusCodes: [200], timeoutMs: 2_000, ...extra,
  };
}

describe('probeHttp over plain HTTP', () => {
  let server: LocalServer;
  let seenHeaders: Record<string, string | string[] | undefined> = {};
  beforeAll(async () => {
    server = await startHttpServer(async (req, res) => {
      seenHeaders = req.headers;
      const path = req.url ?? '/';
      if (path === '/ok') {
        res.end('all systems go');
      } else if (path === '/slow') {
        await sleep(150);
        res.end('ok');
      } else if (path === '/hang') {
        // never answers
      } else if (path === '/error') {
        res.writeHead(503).end('busy');
      } else if (path === '/redirect') {
        res.writeHead(302, { location: '/login?token=s3cret-value' }).end();
      } else if (path === '/split') {
        res.write('all systems ');
        await sleep(20);
        res.write('g');
        await sleep(20);
        res.end('o, really');
      } else if (path === '/endless') {
        // Streams forever without the expected text: the probe must stop at 1 MiB.
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) { /* fill the buffer */ }
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('error', () => undefined);
        pump();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  afterAll(() => server.close());

  test('up when the status is expected and the text is in the body', async () => {
    const r = await probeHttp(check(`${server.origin}/ok`, { bodyContains: 'systems go', headers: { 'x-probe': 'v1' } }));
    expect(r).toMatchObject({ outcome: 'up' });
    expect(r.message).toBeUndefined();
    expect(r.certExpiresAt).toBeUndefined();
    expect(seenHeaders['x-probe']).toBe('v1');
  });

  test('finds text split across chunks', async () => {
    const r = await probeHttp(check(`${server.origin}/split`, { bodyContains: 'systems go' }));
    expect(r.outcome).toBe('up');
  });

  test('down when the expected text is missing', async () => {
    const r = await probeHttp(check(`${server.origin}/ok`, { bodyContains: 'maintenance' }));
    expect(r).toMatchObject({ outcome: 'down', message: 'expected text not found in the response body' });
  });

  test('reads at most 1 MiB of an endless body, then reports the text missing (no timeout)', async () => {
    expect(MAX_BODY_BYTES).toBe(1024 * 1024);
    const r = await probeHttp(check(`${server.origin}/endless`, { bodyContains: 'needle', timeoutMs: 20_000 }));
    expect(r).toMatchObject({ outcome: 'down', message: 'expected text not found in the response body' });
  });

  test('down on an unexpected status code', async () => {
    const r = await probeHttp(check(`${server.origin}/error`));
    expect(r).toMatchObject({ outcome: 'down', message: 'unexpected status 503 (expected 200)' });
  });

  test('an expected non-200 status is up', async () => {
    const r = await probeHttp(check(`${server.origin}/error`, { expectedStatusCodes: [200, 503] }));
    expect(r.outcome).toBe('up');
  });

  test('does not follow redirects; names the Location without its query string', async () => {
    const r = await probeHttp(check(`${server.origin}/redirect`));
    expect(r.outcome).toBe('down');
    expect(r.message).toBe('redirect (302) to /login; expected 200');
    expect(r.message).not.toContain('s3cret');
  });

  test('a redirect listed as expected is up', async () => {
    const r = await probeHttp(check(`${server.origin}/redirect`, { expectedStatusCodes: [302] }));
    expect(r.outcome).toBe('up');
  });

  test('slower than degradedAfterMs is degraded', async () => {
    const r = await probeHttp(check(`${server.origin}/slow`, { degradedAfterMs: 50 }));
    expect(r.outcome).toBe('degraded');
    expect(r.latencyMs).toBeGreaterThanOrEqual(140);
    expect(r.message).toMatch(/^slow response: \d+ ms \(limit 50 ms\)$/);
  });

  // The per-test jest timeout (3 s) is the real check: the server never answers, so only the
  // probe's own 300 ms deadline can end this test.
  test('a server that never answers is down when the deadline fires', async () => {
    const r = await probeHttp(check(`${server.origin}/hang`, { timeoutMs: 300 }));
    expect(r).toMatchObject({ outcome: 'down', message: 'timed out after 300 ms' });
    expect(r.latencyMs).toBeGreaterThanOrEqual(290);
  }, 3_000);

  test('connection refused is down', async () => {
    const port = await freePort();
    const r = await probeHttp(check(`http://127.0.0.1:${port}/`));
    expect(r).toMatchObject({ outcome: 'down', message: `connection refused by 127.0.0.1:${port}` });
  });

  test('an invalid URL is down, not an exception', async () => {
    await expect(probeHttp(check('not a url'))).resolves.toMatchObject({ outcome: 'down', message: 'invalid URL' });
    await expect(probeHttp(check('ftp://example.org/'))).resolves.toMatchObject({ outcome: 'down', message: 'unsupported protocol ftp:' });
  });
});

describe('probeHttp over HTTPS', () => {
  let soon: TestCertificate;
  let longLived: TestCertificate;
  let expired: TestCertificate;
  let otherHost: TestCertificate;
  const servers: LocalServer[] = [];
  const serve = async (cert: TestCertificate) => {
    const s = await startHttpsServer(cert, (_req, res) => { res.end('secure ok'); });
    servers.push(s);
    return s;
  };
  beforeAll(() => {
    soon = makeCertificate({ days: 5 });
    longLived = makeCertificate({ days: 365 });
    // selfsigned verifies what it makes against the current date, so an expired certificate is
    // made with the clock set 10 days back: valid from then for 3 days, expired a week ago.
    jest.useFakeTimers({ now: new Date(Date.now() - 10 * DAY_MS) });
    try {
      expired = makeCertificate({ days: 3 });
    } finally {
      jest.useRealTimers();
    }
    otherHost = makeCertificate({ days: 365, hostName: 'other.example' });
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  test('a certificate expiring within certExpiryWarningDays is degraded with the days left', async () => {
    const s = await serve(soon);
    const now = new Date();
    const r = await probeHttp(
      check(`${s.origin}/`, { caCertificatesPem: soon.cert, certExpiryWarningDays: 14, bodyContains: 'secure' }),
      { now: () => now },
    );
    expect(r.outcome).toBe('degraded');
    expect(r.certExpiresAt).toBeDefined();
    const daysLeft = Math.floor((Date.parse(r.certExpiresAt!) - now.getTime()) / DAY_MS);
    expect(daysLeft).toBeGreaterThanOrEqual(3);
    expect(daysLeft).toBeLessThanOrEqual(5);
    expect(r.message).toBe(`certificate expires in ${daysLeft} days`);
  });

  test('a trusted certificate far from expiry is up and reports its expiry', async () => {
    const s = await serve(longLived);
    const r = await probeHttp(check(`${s.origin}/`, { caCertificatesPem: longLived.cert, certExpiryWarningDays: 14 }));
    expect(r.outcome).toBe('up');
    expect(Date.parse(r.certExpiresAt!)).toBeGreaterThan(Date.now() + 300 * DAY_MS);
  });

  test('a trusted certificate also verifies by its DNS name (localhost)', async () => {
    const s = await serve(longLived);
    const r = await probeHttp(check(`https://localhost:${s.port}/`, { caCertificatesPem: longLived.cert }));
    expect(r.outcome).toBe('up');
  });

  test('an untrusted self-signed certificate is down with a readable message', async () => {
    const s = await serve(longLived);
    const r = await probeHttp(check(`${s.origin}/`));
    expect(r).toMatchObject({ outcome: 'down', message: 'TLS: self-signed certificate is not trusted' });
  });

  test('an expired certificate is down', async () => {
    const s = await serve(expired);
    const r = await probeHttp(check(`${s.origin}/`, { caCertificatesPem: expired.cert }));
    expect(r).toMatchObject({ outcome: 'down', message: 'TLS: certificate has expired' });
  });

  test('a certificate for another host name is down', async () => {
    const s = await serve(otherHost);
    const r = await probeHttp(check(`${s.origin}/`, { caCertificatesPem: otherHost.cert }));
    expect(r).toMatchObject({ outcome: 'down', message: 'TLS: certificate does not match the host name' });
  });
});
