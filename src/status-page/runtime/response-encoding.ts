/**
 * Compressed responses, chosen by the request's Accept-Encoding: brotli when the client takes it
 * (every current browser does over HTTPS), else gzip, else the text as it is. A compressed body
 * is returned base64-encoded with `isBase64Encoded: true`; API Gateway turns it back into bytes
 * only when the REST API lists binary media types (the StatusPage construct sets `*` + `/*`).
 *
 * Bodies under 1 KB are sent as they are (compression would gain next to nothing). Every
 * response that could have been compressed says `Vary: Accept-Encoding`, so a cache never hands
 * brotli to a client that did not ask for it.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { headerValues } from './proxy-auth';
import { ApiGatewayProxyEvent, ApiGatewayProxyResult } from './proxy-event';

export type ContentEncoding = 'br' | 'gzip' | 'identity';

/** Smaller bodies are not worth compressing. */
export const MIN_COMPRESSED_BYTES = 1024;
/**
 * Brotli quality 7: a 100-check page is 15.0 KB (quality 5: 15.6 KB) and a 1,000-check page
 * compresses in about 100 ms; 11, the maximum, is 13 KB but takes a second at 100 checks and
 * 12 s at 1,000.
 */
const BROTLI_QUALITY = 7;

/** The encoding to use for an Accept-Encoding header (all its values, joined). q=0 refuses one. */
export function chooseEncoding(acceptEncoding: string): ContentEncoding {
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  const br = weightOf('br');
  const gzip = weightOf('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}

/** The response compressed as the request accepts, with Vary and Content-Encoding set. */
export function encodeForRequest(
  event: Pick<ApiGatewayProxyEvent, 'headers' | 'multiValueHeaders'>,
  result: ApiGatewayProxyResult,
): ApiGatewayProxyResult {
  const headers = { ...result.headers, Vary: 'Accept-Encoding' };
  const body = Buffer.from(result.body, 'utf8');
  const encoding = body.length < MIN_COMPRESSED_BYTES ? 'identity' : chooseEncoding(headerValues(event, 'accept-encoding').join(','));
  if (encoding === 'identity') return { ...result, headers };
  const compressed = encoding === 'br'
    ? brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    })
    : gzipSync(body);
  return {
    statusCode: result.statusCode,
    headers: { ...headers, 'Content-Encoding': encoding },
    body: compressed.toString('base64'),
    isBase64Encoded: true,
  };
}
