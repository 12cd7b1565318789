/**
 * Which page a request asks for. Routing uses the event's `path`, so it works whether API
 * Gateway passes "/status.json", "/prod/status.json" (a stage) or "/status/status.json" (a
 * custom-domain base path), with or without a trailing slash:
 *
 *   …/status.json          -> the JSON document (`?page=N` picks a page of checks)
 *   …/feed.atom            -> the Atom feed of incidents and status changes
 *   …/badge/{name}.svg     -> the badge of check {name} (URL-decoded)
 *   /  (or resource "/")   -> the HTML page
 *   anything else          -> not found
 */
import { ApiGatewayProxyEvent } from './proxy-event';

export type Route =
  | { readonly kind: 'page' }
  | { readonly kind: 'json' }
  | { readonly kind: 'feed' }
  | { readonly kind: 'badge'; readonly checkName: string }
  | { readonly kind: 'not-found'; readonly format: 'html' | 'json' };

const BADGE = /\/badge\/([^/]+)\.svg$/;

export function resolveRoute(event: Pick<ApiGatewayProxyEvent, 'path' | 'resource'>): Route {
  const path = normalisePath(event.path);
  if (path === '/' || event.resource === '/') return { kind: 'page' };
  if (path.endsWith('/status.json')) return { kind: 'json' };
  if (path.endsWith('/feed.atom')) return { kind: 'feed' };
  const badge = BADGE.exec(path);
  if (badge) {
    const name = safeDecode(badge[1]);
    if (name !== undefined && name !== '') return { kind: 'badge', checkName: name };
  }
  return { kind: 'not-found', format: path.endsWith('.json') ? 'json' : 'html' };
}

/** The `page` query parameter of status.json: 1 when absent, undefined when it is not a page number. */
export function requestedPage(event: Pick<ApiGatewayProxyEvent, 'queryStringParameters'>): number | undefined {
  const value = event.queryStringParameters?.page;
  if (value === undefined) return 1;
  return /^[1-9][0-9]{0,5}$/.test(value) ? Number(value) : undefined;
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
