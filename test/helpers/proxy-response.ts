import { ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { ApiGatewayProxyResult } from '../../src/status-page/runtime/proxy-event';

/**
 * The bytes API Gateway sends for a proxy result when the API lists binary media types (the
 * StatusPage construct sets `*` + `/*`): a base64 body is decoded, any other is sent as UTF-8.
 */
export function proxyResultBytes(result: ApiGatewayProxyResult): Buffer {
  return result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
}

/** The text a client reads after undoing the Content-Encoding (br, gzip or none). */
export function proxyResultText(result: ApiGatewayProxyResult): string {
  const bytes = proxyResultBytes(result);
  const encoding = result.headers['Content-Encoding'];
  if (encoding === 'br') return brotliDecompressSync(bytes).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(bytes).toString('utf8');
  return bytes.toString('utf8');
}

/** Serves a proxy result the way API Gateway does: status, every header, the decoded body. */
export function sendProxyResult(res: ServerResponse, result: ApiGatewayProxyResult): void {
  res.writeHead(result.statusCode, result.headers);
  res.end(proxyResultBytes(result));
}
