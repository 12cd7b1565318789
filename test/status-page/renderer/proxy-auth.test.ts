import { event } from './fixtures';
import { checkProxyHeader, headerValues, secretsEqual } from '../../../src/status-page/runtime/proxy-auth';
import { CachedSecret } from '../../../src/status-page/runtime/secret-source';

const SECRET = 's3cret-value-0123456789';
const NAME = 'X-Status-Page-Auth';

describe('checkProxyHeader', () => {
  test('the right value passes', () => {
    expect(checkProxyHeader(event('/', { [NAME]: SECRET }), NAME, SECRET)).toEqual({ ok: true });
  });

  test('header NAMES are case-insensitive (in either map)', () => {
    expect(checkProxyHeader(event('/', { 'x-status-page-auth': SECRET }), NAME, SECRET)).toEqual({ ok: true });
    expect(checkProxyHeader(event('/', { 'X-STATUS-PAGE-AUTH': SECRET }), 'x-status-page-auth', SECRET)).toEqual({ ok: true });
    expect(checkProxyHeader({ headers: { 'x-Status-page-AUTH': SECRET } }, NAME, SECRET)).toEqual({ ok: true });
    expect(checkProxyHeader({ multiValueHeaders: { 'x-status-page-auth': [SECRET] } }, NAME, SECRET)).toEqual({ ok: true });
  });

  test('header VALUES are case-sensitive', () => {
    expect(checkProxyHeader(event('/', { [NAME]: SECRET.toUpperCase() }), NAME, SECRET)).toEqual({ ok: false, reason: 'mismatch' });
  });

  test('a missing header is rejected', () => {
    expect(checkProxyHeader(event('/', { Accept: 'text/html' }), NAME, SECRET)).toEqual({ ok: false, reason: 'missing' });
    expect(checkProxyHeader({ headers: null, multiValueHeaders: null }, NAME, SECRET)).toEqual({ ok: false, reason: 'missing' });
  });

  test('a wrong value is rejected, also when it has the same length', () => {
    const sameLength = SECRET.slice(0, -1) + 'X';
    expect(sameLength).toHaveLength(SECRET.length);
    expect(checkProxyHeader(event('/', { [NAME]: sameLength }), NAME, SECRET)).toEqual({ ok: false, reason: 'mismatch' });
    expect(checkProxyHeader(event('/', { [NAME]: 'nope' }), NAME, SECRET)).toEqual({ ok: false, reason: 'mismatch' });
    expect(checkProxyHeader(event('/', { [NAME]: '' }), NAME, SECRET)).toEqual({ ok: false, reason: 'mismatch' });
    expect(checkProxyHeader(event('/', { [NAME]: `${SECRET} ` }), NAME, SECRET)).toEqual({ ok: false, reason: 'mismatch' });
  });

  test('more than one value is rejected, even when one of them is right', () => {
    expect(checkProxyHeader(event('/', { [NAME]: [SECRET, SECRET] }), NAME, SECRET)).toEqual({ ok: false, reason: 'duplicate' });
    expect(checkProxyHeader(event('/', { [NAME]: ['attacker', SECRET] }), NAME, SECRET)).toEqual({ ok: false, reason: 'duplicate' });
    // The same header twice with differently cased names.
    expect(checkProxyHeader({ headers: { [NAME]: SECRET, [NAME.toLowerCase()]: 'other' } }, NAME, SECRET))
      .toEqual({ ok: false, reason: 'duplicate' });
    expect(checkProxyHeader({
      headers: { [NAME.toLowerCase()]: SECRET },
      multiValueHeaders: { [NAME]: ['other'], [NAME.toLowerCase()]: [SECRET] },
    }, NAME, SECRET)).toEqual({ ok: false, reason: 'duplicate' });
  });

  test('an empty configured secret rejects everything, even an empty header', () => {
    expect(checkProxyHeader(event('/', { [NAME]: '' }), NAME, '')).toEqual({ ok: false, reason: 'not-configured' });
    expect(checkProxyHeader(event('/', {}), NAME, '')).toEqual({ ok: false, reason: 'not-configured' });
    expect(checkProxyHeader(event('/', { [NAME]: SECRET }), '', SECRET)).toEqual({ ok: false, reason: 'not-configured' });
  });

  test('headerValues collects across both maps without double-counting', () => {
    expect(headerValues(event('/', { [NAME]: SECRET }), NAME.toLowerCase())).toEqual([SECRET]);
  });

  test('secretsEqual compares exactly', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'a')).toBe(false);
  });
});

describe('CachedSecret', () => {
  test('caches for five minutes, then re-reads (rotation is picked up)', async () => {
    let clock = 1_000_000;
    let value = 'one';
    const fetch = jest.fn(async () => value);
    const source = new CachedSecret(fetch, { now: () => clock });
    expect(await source.getSecret()).toBe('one');
    value = 'two';
    clock += 299_000;
    expect(await source.getSecret()).toBe('one');
    expect(fetch).toHaveBeenCalledTimes(1);
    clock += 2_000;
    expect(await source.getSecret()).toBe('two');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test('refresh re-reads early, at most once per 30 seconds', async () => {
    let clock = 1_000_000;
    let value = 'one';
    const fetch = jest.fn(async () => value);
    const source = new CachedSecret(fetch, { now: () => clock });
    await source.getSecret();
    value = 'two';
    clock += 10_000;
    expect(await source.getSecret({ refresh: true })).toBe('one');
    clock += 25_000;
    expect(await source.getSecret({ refresh: true })).toBe('two');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test('failures are not cached; a missing value reads as empty', async () => {
    const fetch = jest.fn()
      .mockRejectedValueOnce(new Error('throttled'))
      .mockResolvedValueOnce(undefined);
    const source = new CachedSecret(fetch);
    await expect(source.getSecret()).rejects.toThrow('throttled');
    expect(await source.getSecret()).toBe('');
  });

  test('concurrent reads share one fetch', async () => {
    const fetch = jest.fn(async () => 'v');
    const source = new CachedSecret(fetch);
    expect(await Promise.all([source.getSecret(), source.getSecret()])).toEqual(['v', 'v']);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
