/**
 * Response headers and the small error documents the renderer returns.
 *
 * Every response carries the security headers. Successful responses are cacheable for a
 * fraction of the check interval (`private` when the page sits behind the proxy secret, so
 * shared caches never store it; `public` for a public page); errors are `no-store`.
 * Error bodies are generic: no title, no check names, no status data, no hint of why a request
 * was refused.
 */
import { ApiGatewayProxyResult } from './proxy-event';

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

export const CONTENT_TYPE_HTML = 'text/html; charset=utf-8';
export const CONTENT_TYPE_JSON = 'application/json; charset=utf-8';
export const CONTENT_TYPE_SVG = 'image/svg+xml; charset=utf-8';
export const CONTENT_TYPE_ATOM = 'application/atom+xml; charset=utf-8';

/** Upper bound of max-age, whatever the interval. */
export const MAX_CACHE_SECONDS = 60;

/**
 * max-age for successful responses: a quarter of the check interval, at least 1 s and at most
 * 60 s, so a cached page is never much older than the data behind it.
 */
export function cacheMaxAgeSeconds(intervalSeconds: number): number {
  if (!Number.isFinite(intervalSeconds) || intervalSeconds <= 0) return 0;
  return Math.min(MAX_CACHE_SECONDS, Math.max(1, Math.floor(intervalSeconds / 4)));
}

export function successCacheControl(intervalSeconds: number, authenticated: boolean): string {
  return `${authenticated ? 'private' : 'public'}, max-age=${cacheMaxAgeSeconds(intervalSeconds)}`;
}

export const ERROR_CACHE_CONTROL = 'no-store';

export function response(
  statusCode: number,
  contentType: string,
  body: string,
  cacheControl: string,
  extraHeaders: Record<string, string> = {},
): ApiGatewayProxyResult {
  return {
    statusCode,
    headers: {
      ...extraHeaders,
      'Content-Type': contentType,
      'Cache-Control': cacheControl,
      ...SECURITY_HEADERS,
    },
    body,
    isBase64Encoded: false,
  };
}

/** The errors the renderer can answer with. */
export type ErrorKind = 'forbidden' | 'not-found' | 'method-not-allowed' | 'not-configured' | 'unavailable' | 'internal';

const ERRORS: Record<ErrorKind, { status: number; title: string; text: string }> = {
  'forbidden': { status: 403, title: 'Forbidden', text: 'You do not have access to this page.' },
  'not-found': { status: 404, title: 'Not found', text: 'There is nothing at this address.' },
  'method-not-allowed': { status: 405, title: 'Method not allowed', text: 'Only GET and HEAD are supported.' },
  'not-configured': { status: 503, title: 'Not configured', text: 'This status page is not configured yet.' },
  'unavailable': { status: 503, title: 'Temporarily unavailable', text: 'The status page cannot be shown right now. Please try again shortly.' },
  'internal': { status: 500, title: 'Something went wrong', text: 'The status page could not be rendered.' },
};

/** An error response in the format the client asked for (JSON for .json paths, else HTML). */
export function errorResponse(kind: ErrorKind, format: 'html' | 'json'): ApiGatewayProxyResult {
  const e = ERRORS[kind];
  const extra: Record<string, string> = kind === 'method-not-allowed' ? { Allow: 'GET, HEAD' } : {};
  if (kind === 'unavailable' || kind === 'not-configured') extra['Retry-After'] = '30';
  if (format === 'json') {
    return response(e.status, CONTENT_TYPE_JSON, JSON.stringify({ error: e.title, status: e.status }), ERROR_CACHE_CONTROL, extra);
  }
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark"><meta name="robots" content="noindex">',
    `<title>${e.status} ${e.title}</title>`,
    '<style>body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;display:grid;place-items:center;min-height:100vh;background:#f4f6f8;color:#17202a}',
    'main{max-width:28rem;padding:2rem}h1{font-size:1.4rem;margin:0 0 .5rem}p{margin:0;color:#5a6573}',
    '@media (prefers-color-scheme:dark){body{background:#0e1217;color:#e7ebef}p{color:#9aa5b1}}</style>',
    `</head><body><main><h1>${e.status} · ${e.title}</h1><p>${e.text}</p></main></body></html>`,
  ].join('\n');
  return response(e.status, CONTENT_TYPE_HTML, html, ERROR_CACHE_CONTROL, extra);
}

/** HEAD: the same status and headers as GET, no body. */
export function withoutBody(result: ApiGatewayProxyResult): ApiGatewayProxyResult {
  return { ...result, body: '' };
}
