/**
 * Which page a request asks for. Routing uses the event's `path`, so it works whether API
 * Gateway passes "/status.json", "/prod/status.json" (a stage) or "/status/status.json" (a
 * custom-domain base path), with or without a trailing slash:
 *
 *   …/status.json          -> the JSON document
 *   …/badge/{name}.svg     -> the badge of check {name} (URL-decoded)
 *   /  (or resource "/")   -> the HTML page
 *   anything else          -> not found
 */
import { ApiGatewayProxyEvent } from './proxy-event';

export type Route =
  | { readonly kind: 'page' }
  | { readonly kind: 'json' }
  | { readonly kind: 'badge'; readonly checkName: string }
  | { readonly kind: 'not-found'; readonly format: 'html' | 'json' };

const BADGE = /\/badge\/([^/]+)\.svg$/;

export function resolveRoute(event: Pick<ApiGatewayProxyEvent, 'path' | 'resource'>): Route {
  const path = normalisePath(event.path);
  if (path === '/' || event.resource === '/') return { kind: 'page' };
  if (path === '/status.json' || path.endsWith('/status.json')) return { kind: 'json' };
  const badge = BADGE.exec(path);
  if (badge) {
    const name = safeDecode(badge[1]);
    if (name !== undefined && name !== '') return { kind: 'badge', checkName: name };
  }
  return { kind: 'not-found', format: path.endsWith('.json') ? 'json' : 'html' };
}

/** Collapses repeated slashes and drops trailing ones; '' becomes '/'. */
function normalisePath(path: string | undefined): string {
  const p = `/${(path ?? '').split('?')[0]}`.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return p === '' ? '/' : p;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
