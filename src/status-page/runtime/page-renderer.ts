/**
 * The renderer: one function from an API Gateway proxy event to a response.
 *
 * Order of work for every request:
 *   1. proxy-header auth (when a secret is configured): 503 if the secret cannot be read or is
 *      empty, 403 if the header is missing, duplicated or wrong — before anything else, so an
 *      unauthenticated caller learns nothing (not even which paths exist);
 *   2. method: GET and HEAD only, else 405 with `Allow: GET, HEAD`;
 *   3. route: `/` (HTML), `/status.json` (`?page=N`), `/feed.atom`, `/badge/{name}.svg`, else 404;
 *   4. read the snapshot (one read per request): a failure is a 503 without data;
 *   5. render, then compress as the request's Accept-Encoding allows (response-encoding.ts).
 *      HEAD returns GET's status and headers without the body.
 *
 * Dependencies are injected, so tests run it against dynalite and an in-process secret.
 */
import Mustache from 'mustache';
import { renderAtomFeed } from './atom-feed';
import { renderBadge } from './badge';
import {
  CONTENT_TYPE_ATOM,
  CONTENT_TYPE_HTML,
  CONTENT_TYPE_JSON,
  CONTENT_TYPE_SVG,
  errorResponse,
  response,
  successCacheControl,
  withoutBody,
} from './http-responses';
import { PageSnapshot, StatusPageConfig } from './model';
import { checkProxyHeader } from './proxy-auth';
import { ApiGatewayProxyEvent, ApiGatewayProxyResult } from './proxy-event';
import { encodeForRequest } from './response-encoding';
import { requestedPage, resolveRoute } from './routes';
import { SecretSource } from './secret-source';
import { statusPageCount, stringifyPublicStatus, toPublicStatus } from './status-json';
import { buildTemplateView } from './template-view';
import { Log } from '../../shared/runtime/logger';

/** How requests are authenticated. Leave out for a public page (an explicit choice). */
export interface ProxyAuthSettings {
  /** Name of the header the proxy sets (matched case-insensitively). */
  readonly headerName: string;
  readonly secret: SecretSource;
}

export interface RendererDependencies {
  readonly config: StatusPageConfig;
  /** The mustache template of the HTML page. */
  readonly template: string;
  /** Reads the current snapshot (readSnapshot bound to a client and table). */
  readonly readSnapshot: (now: Date) => Promise<PageSnapshot>;
  /** Undefined = public page. */
  readonly auth?: ProxyAuthSettings;
  /** @default () => new Date() */
  readonly now?: () => Date;
  readonly log: Log;
}

export type Renderer = (event: ApiGatewayProxyEvent) => Promise<ApiGatewayProxyResult>;

export function createRenderer(deps: RendererDependencies): Renderer {
  const now = deps.now ?? (() => new Date());
  const { log } = deps;
  const authenticated = deps.auth !== undefined;
  const cacheControl = successCacheControl(deps.config.intervalSeconds, authenticated);
  // Parse once: a broken custom template is reported on every request, not half-rendered.
  let templateError: unknown;
  try {
    Mustache.parse(deps.template);
  } catch (e) {
    templateError = e;
  }

  return async (event) => {
    const requestId = event.requestContext?.requestId;
    const route = resolveRoute(event);
    const format = route.kind === 'json' || (route.kind === 'not-found' && route.format === 'json') ? 'json' : 'html';
    const method = (event.httpMethod ?? '').toUpperCase();
    const finish = (result: ApiGatewayProxyResult) => (method === 'HEAD' ? withoutBody(result) : result);

    if (deps.auth) {
      let secret: string;
      try {
        secret = await deps.auth.secret.getSecret();
      } catch (e) {
        log.error('could not read the proxy secret', { requestId, ...errorFields(e) });
        return finish(errorResponse('unavailable', format));
      }
      let decision = checkProxyHeader(event, deps.auth.headerName, secret);
      if (!decision.ok && decision.reason === 'mismatch') {
        // Maybe the secret was rotated since it was cached: re-read it (rate-limited) and retry once.
        try {
          const latest = await deps.auth.secret.getSecret({ refresh: true });
          if (latest !== secret) decision = checkProxyHeader(event, deps.auth.headerName, latest);
        } catch (e) {
          log.warn('could not refresh the proxy secret', { requestId, ...errorFields(e) });
        }
      }
      if (!decision.ok) {
        if (decision.reason === 'not-configured') {
          log.error('the proxy secret is empty: refusing every request', { requestId });
          return finish(errorResponse('not-configured', format));
        }
        log.info('request refused by proxy-header check', { requestId, reason: decision.reason });
        return finish(errorResponse('forbidden', format));
      }
    }

    if (method !== 'GET' && method !== 'HEAD') return errorResponse('method-not-allowed', format);
    if (route.kind === 'not-found') return finish(errorResponse('not-found', route.format));
    const page = requestedPage(event);
    if (route.kind === 'json' && page === undefined) return finish(errorResponse('not-found', 'json'));
    if (templateError && route.kind === 'page') {
      log.error('the page template cannot be parsed', errorFields(templateError));
      return finish(errorResponse('internal', 'html'));
    }

    const at = now();
    let snapshot: PageSnapshot;
    try {
      snapshot = await deps.readSnapshot(at);
    } catch (e) {
      log.error('could not read the status snapshot', { requestId, ...errorFields(e) });
      return finish(errorResponse('unavailable', format));
    }

    const ok = (contentType: string, body: string) => finish(encodeForRequest(event, response(200, contentType, body, cacheControl)));
    try {
      switch (route.kind) {
        case 'json': {
          if (page! > statusPageCount(snapshot.checks.length)) return finish(errorResponse('not-found', 'json'));
          return ok(CONTENT_TYPE_JSON, stringifyPublicStatus(toPublicStatus(snapshot, page)));
        }
        case 'feed':
          return ok(CONTENT_TYPE_ATOM, renderAtomFeed(snapshot));
        case 'badge': {
          const check = snapshot.checks.find((c) => c.name === route.checkName);
          if (!check) return finish(errorResponse('not-found', 'html'));
          return ok(CONTENT_TYPE_SVG, renderBadge({ label: check.displayName || check.name, status: check.status }));
        }
        default: {
          const view = buildTemplateView(snapshot, { now: at, intervalSeconds: deps.config.intervalSeconds });
          return ok(CONTENT_TYPE_HTML, Mustache.render(deps.template, view));
        }
      }
    } catch (e) {
      log.error('rendering failed', { requestId, ...errorFields(e) });
      return finish(errorResponse('internal', format));
    }
  };
}

/** What is safe to log about an error: its name, message and AWS error code; never a request header. */
function errorFields(e: unknown): Record<string, unknown> {
  if (e instanceof Error) {
    const meta = (e as { $metadata?: { httpStatusCode?: number } }).$metadata;
    return { errorName: e.name, errorMessage: e.message, httpStatusCode: meta?.httpStatusCode };
  }
  return { errorMessage: String(e) };
}
