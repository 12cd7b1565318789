/**
 * Verifies the header the team's reverse proxy adds, so the page cannot be reached by going
 * around the proxy straight to API Gateway.
 *
 * Decisions (every rejection gets the same 403 response, with no hint of which rule failed):
 * - the header name is matched case-insensitively, across `headers` and `multiValueHeaders`;
 * - a missing header, an empty value, or a wrong value is rejected;
 * - MORE THAN ONE value for the header is rejected (a client could append its own copy);
 * - values are compared in constant time: both sides are hashed with SHA-256 and the digests
 *   compared with crypto.timingSafeEqual, so neither the content nor the length leaks;
 * - an empty configured secret rejects everything (fail closed): the caller answers 503.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiGatewayProxyEvent } from './proxy-event';

export type HeaderLookup =
  | { readonly kind: 'missing' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'single'; readonly value: string };

export type ProxyAuthDecision =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'not-configured' | 'missing' | 'duplicate' | 'mismatch' };

/** Every value sent for a header, whatever the case of its name. */
export function headerValues(
  event: Pick<ApiGatewayProxyEvent, 'headers' | 'multiValueHeaders'>,
  headerName: string,
): string[] {
  const wanted = headerName.trim().toLowerCase();
  const values: string[] = [];
  for (const [key, list] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted && Array.isArray(list)) {
      values.push(...list.filter((v): v is string => typeof v === 'string'));
    }
  }
  // `headers` holds the last value of each header and normally repeats multiValueHeaders; a value
  // found only there (an event without multiValueHeaders, or an inconsistent one) is counted too.
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && typeof value === 'string' && !values.includes(value)) {
      values.push(value);
    }
  }
  return values;
}

export function lookupSingleHeader(
  event: Pick<ApiGatewayProxyEvent, 'headers' | 'multiValueHeaders'>,
  headerName: string,
): HeaderLookup {
  const values = headerValues(event, headerName);
  if (values.length === 0) return { kind: 'missing' };
  if (values.length > 1) return { kind: 'duplicate' };
  return { kind: 'single', value: values[0] };
}

/** Constant-time comparison that leaks neither content nor length. */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Checks the proxy header of one request against the configured secret. */
export function checkProxyHeader(
  event: Pick<ApiGatewayProxyEvent, 'headers' | 'multiValueHeaders'>,
  headerName: string,
  secret: string | undefined,
): ProxyAuthDecision {
  if (!secret || !headerName.trim()) return { ok: false, reason: 'not-configured' };
  const found = lookupSingleHeader(event, headerName);
  if (found.kind === 'missing') return { ok: false, reason: 'missing' };
  if (found.kind === 'duplicate') return { ok: false, reason: 'duplicate' };
  // Compare even an empty value, so every path does the same work.
  return secretsEqual(found.value, secret) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
