import { config, event, NOW, snapshot } from './fixtures';
import { DEFAULT_TEMPLATE } from '../../../src/status-page/runtime/default-template';
import { createRenderer } from '../../../src/status-page/runtime/page-renderer';
import { chooseEncoding, encodeForRequest, MIN_COMPRESSED_BYTES } from '../../../src/status-page/runtime/response-encoding';
import { CachedSecret } from '../../../src/status-page/runtime/secret-source';
import { proxyResultText } from '../../helpers/proxy-response';
import { SILENT_LOG } from '../../helpers/recording-log';

describe('chooseEncoding', () => {
  test.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['GZIP', 'gzip'],
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0, br;q=0', 'identity'],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['identity', 'identity'],
    ['', 'identity'],
    ['br;q=nonsense, gzip', 'gzip'],
  ])('%j -> %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});

describe('encodeForRequest', () => {
  const html = `<p>${'operational '.repeat(500)}</p>`;
  const result = { statusCode: 200, headers: { 'Content-Type': 'text/html' }, body: html, isBase64Encoded: false };

  test('brotli and gzip bodies are base64, marked, and decode to the same text', () => {
    for (const [accept, encoding] of [['br', 'br'], ['gzip', 'gzip']]) {
      const out = encodeForRequest(event('/', { 'Accept-Encoding': accept }), result);
      expect(out).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'Content-Type': 'text/html', 'Content-Encoding': encoding, 'Vary': 'Accept-Encoding' } });
      expect(proxyResultText(out)).toBe(html);
    }
  });

  test('no Accept-Encoding, or a body under 1 KB: the text as it is, still with Vary', () => {
    const plain = encodeForRequest(event('/'), result);
    expect(plain).toEqual({ ...result, headers: { ...result.headers, Vary: 'Accept-Encoding' } });
    const small = { ...result, body: 'x'.repeat(MIN_COMPRESSED_BYTES - 1) };
    expect(encodeForRequest(event('/', { 'accept-encoding': 'br' }), small)).toEqual({ ...small, headers: { ...small.headers, Vary: 'Accept-Encoding' } });
  });
});

describe('the renderer compresses what it serves, not what it refuses', () => {
  const HEADER = 'x-status-page-auth';
  const render = createRenderer({
    config: config(),
    template: DEFAULT_TEMPLATE,
    readSnapshot: async () => snapshot(),
    // Secrets Manager has no local implementation: an in-process secret source stands in for it.
    auth: { headerName: HEADER, secret: new CachedSecret(async () => 's3cret') },
    now: () => NOW,
    log: SILENT_LOG,
  });

  test('the page and status.json are compressed (a quiet feed is under 1 KB); a 403 is not', async () => {
    for (const path of ['/', '/status.json']) {
      const out = await render(event(path, { [HEADER]: 's3cret', 'accept-encoding': 'gzip' }));
      expect(out.statusCode).toBe(200);
      expect(out.headers['Content-Encoding']).toBe('gzip');
      expect(proxyResultText(out)).toContain('Acme status');
    }
    const refused = await render(event('/', { 'accept-encoding': 'gzip' }));
    expect(refused.statusCode).toBe(403);
    expect(refused.isBase64Encoded).toBe(false);
    expect(refused.headers['Content-Encoding']).toBeUndefined();
  });

  test('HEAD answers with the headers of GET and no body', async () => {
    const out = await render(event('/', { [HEADER]: 's3cret', 'accept-encoding': 'br' }, 'HEAD'));
    expect(out.statusCode).toBe(200);
    expect(out.body).toBe('');
  });
});
