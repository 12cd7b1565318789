/**
 * HTTP(S) probe on node:http/https (fetch does not expose the TLS certificate).
 *
 * - One deadline per check (`timeoutMs`) covers DNS, connect, TLS, headers and body: a timer
 *   destroys the request when it fires.
 * - No redirects are followed: a 3xx that is not expected is down, naming where it points.
 * - `bodyContains` reads at most 1 MiB of body, scanning chunk by chunk (memory stays bounded),
 *   and stops as soon as the text is found. A gzip, deflate or br `Content-Encoding` (a server may
 *   compress when the request has no Accept-Encoding) is decoded as a stream and the 1 MiB limit
 *   counts DECODED bytes, so a compression bomb is never inflated past it.
 * - Slower than `degradedAfterMs` => degraded; an HTTPS certificate expiring within
 *   `certExpiryWarningDays` => degraded ("certificate expires in N days").
 * - TLS failures (untrusted, expired, wrong host) => down with a readable message;
 *   `caCertificatesPem` is trusted IN ADDITION to the public CAs.
 * - Messages never contain header values (a Location is reduced to origin and path, or to its
 *   scheme when it is not http(s)).
 * - Never throws: every failure is a ProbeResult.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import * as tls from 'node:tls';
import * as zlib from 'node:zlib';
import { HttpCheckConfig, ProbeResult } from './model';
import { describeNetworkError, elapsedSince } from './probe-errors';

/** The most body a probe reads while looking for `bodyContains`. */
export const MAX_BODY_BYTES = 1024 * 1024;
const USER_AGENT = 'cdk-status-page-checker/1';
const DAY_MS = 86_400_000;

export interface HttpProbeOptions {
  /** Clock for the certificate expiry arithmetic (tests); defaults to the system clock. */
  readonly now?: () => Date;
}

export function probeHttp(check: HttpCheckConfig, options: HttpProbeOptions = {}): Promise<ProbeResult> {
  const start = performance.now();
  let url: URL;
  try {
    url = new URL(check.url);
  } catch {
    return Promise.resolve({ outcome: 'down', latencyMs: 0, message: 'invalid URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.resolve({ outcome: 'down', latencyMs: 0, message: `unsupported protocol ${url.protocol}` });
  }
  const isHttps = url.protocol === 'https:';
  const target = `${url.hostname}:${url.port || (isHttps ? 443 : 80)}`;

  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({
      outcome: 'down',
      latencyMs: elapsedSince(start),
      message: `timed out after ${check.timeoutMs} ms`,
    }), check.timeoutMs);

    try {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...(check.headers ?? {}) };
      const requestOptions: https.RequestOptions = {
        method: check.method,
        headers,
        // A fresh connection per probe: latency includes connect/TLS and the certificate is seen.
        agent: false,
      };
      if (isHttps && check.caCertificatesPem) {
        requestOptions.ca = [...tls.rootCertificates, check.caCertificatesPem];
      }
      req = (isHttps ? https : http).request(url, requestOptions, (res) => {
        const status = res.statusCode ?? 0;
        const certExpiresAt = isHttps ? certificateExpiry(res.socket) : undefined;
        const judge = (bodyFound: boolean | undefined) => finish(judgeResponse(check, {
          status,
          location: res.headers.location,
          latencyMs: elapsedSince(start),
          bodyFound,
          certExpiresAt,
          now: options.now?.() ?? new Date(),
        }));

        const expected = check.expectedStatusCodes.includes(status);
        if (!expected || !check.bodyContains || check.method === 'HEAD') {
          judge(undefined);
          return;
        }
        scanBody(res, check.bodyContains, judge);
      });
      req.once('error', (err) => finish({ outcome: 'down', latencyMs: elapsedSince(start), message: describeNetworkError(err, target) }));
      req.end();
    } catch (err) {
      finish({ outcome: 'down', latencyMs: elapsedSince(start), message: describeNetworkError(err, target) });
    }
  });
}

/** Reads the (decoded) body until `needle` is found, the body ends, or MAX_BODY_BYTES were read. */
function scanBody(res: http.IncomingMessage, needle: string, done: (found: boolean) => void): void {
  const body = decodedBody(res);
  const decoder = new StringDecoder('utf8');
  const keep = Math.max(0, needle.length - 1);
  let carry = '';
  let read = 0;
  let finished = false;
  const end = (found: boolean) => {
    if (finished) return;
    finished = true;
    body.removeAllListeners('data');
    // The decompressor stops inflating once destroyed; the caller destroys the request itself.
    if (body !== res) body.destroy();
    done(found);
  };
  body.on('data', (chunk: Buffer) => {
    if (finished) return;
    const room = MAX_BODY_BYTES - read;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    read += part.length;
    const window = carry + decoder.write(part);
    if (window.includes(needle)) return end(true);
    carry = keep > 0 ? window.slice(-keep) : '';
    if (read >= MAX_BODY_BYTES) return end(false);
    return undefined;
  });
  body.once('end', () => end((carry + decoder.end()).includes(needle)));
  body.once('error', () => end(false));
  if (body !== res) res.once('error', () => end(false));
}

/** The response body as sent, or decoded when it has a gzip, deflate or br Content-Encoding. */
function decodedBody(res: http.IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = zlib.createGunzip();
  else if (encoding === 'deflate') decoder = zlib.createInflate();
  else if (encoding === 'br') decoder = zlib.createBrotliDecompress();
  else return res;
  return res.pipe(decoder);
}

function certificateExpiry(socket: unknown): string | undefined {
  const s = socket as tls.TLSSocket | undefined;
  if (!s || typeof s.getPeerCertificate !== 'function') return undefined;
  const cert = s.getPeerCertificate();
  if (!cert || !cert.valid_to) return undefined;
  const ms = Date.parse(cert.valid_to);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

interface ResponseFacts {
  readonly status: number;
  readonly location?: string;
  readonly latencyMs: number;
  /** undefined = not checked */
  readonly bodyFound?: boolean;
  readonly certExpiresAt?: string;
  readonly now: Date;
}

function judgeResponse(check: HttpCheckConfig, facts: ResponseFacts): ProbeResult {
  const { status, latencyMs, certExpiresAt } = facts;
  const expectedList = check.expectedStatusCodes.join(', ');
  if (!check.expectedStatusCodes.includes(status)) {
    if (status >= 300 && status < 400) {
      const where = facts.location ? ` to ${describeLocation(facts.location)}` : ' without a Location';
      return { outcome: 'down', latencyMs, certExpiresAt, message: `redirect (${status})${where}; expected ${expectedList}` };
    }
    return { outcome: 'down', latencyMs, certExpiresAt, message: `unexpected status ${status} (expected ${expectedList})` };
  }
  if (facts.bodyFound === false) {
    return { outcome: 'down', latencyMs, certExpiresAt, message: 'expected text not found in the response body' };
  }
  const warnings: string[] = [];
  if (check.degradedAfterMs !== undefined && latencyMs > check.degradedAfterMs) {
    warnings.push(`slow response: ${latencyMs} ms (limit ${check.degradedAfterMs} ms)`);
  }
  if (certExpiresAt && check.certExpiryWarningDays !== undefined) {
    const daysLeft = Math.floor((Date.parse(certExpiresAt) - facts.now.getTime()) / DAY_MS);
    if (daysLeft <= check.certExpiryWarningDays) {
      warnings.push(`certificate expires in ${daysLeft} ${daysLeft === 1 ? 'day' : 'days'}`);
    }
  }
  return warnings.length > 0
    ? { outcome: 'degraded', latencyMs, certExpiresAt, message: warnings.join('; ') }
    : { outcome: 'up', latencyMs, certExpiresAt };
}

/**
 * Origin and path of a redirect target: no query string, fragment or credentials. A target
 * that is not http(s) (javascript:, data:, ...) is named by its scheme only: its "path" is
 * arbitrary text, and an origin-less URL would read as garbage ("nullwindow...").
 */
function describeLocation(location: string): string {
  try {
    const u = new URL(location, 'http://relative.invalid');
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      return `a non-HTTP location (${u.protocol.replace(/[^a-z0-9+.:-]/g, '').slice(0, 20)})`;
    }
    const text = u.origin === 'http://relative.invalid' ? u.pathname : `${u.origin}${u.pathname}`;
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return 'an invalid Location';
  }
}
