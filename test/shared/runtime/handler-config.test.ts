import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadHandlerConfig, packHandlerConfig } from '../../../src/shared/runtime/handler-config';

const source = { variable: 'DEMO_CONFIG', defaultPath: '/nonexistent/demo/config.json', what: 'the demo config' };
const config = { name: 'media', engines: Array.from({ length: 30 }, (_, i) => ({ name: `engine-${i}`, topic: 'media.objects' })) };

test('a packed config is base64 of gzip of the JSON, and loads back from the variable', () => {
  const packed = packHandlerConfig(config);
  expect(JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8'))).toEqual(config);
  expect(packed.length).toBeLessThan(JSON.stringify(config).length);
  expect(loadHandlerConfig(({ DEMO_CONFIG: packed }), source)).toEqual(config);
});

test('without the variable, the file named by <variable>_PATH is read', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'handler-config-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  expect(loadHandlerConfig({ DEMO_CONFIG_PATH: file }, source)).toEqual(config);
});

test('the packed variable wins over a path', () => {
  expect(loadHandlerConfig({ DEMO_CONFIG: packHandlerConfig({ from: 'variable' }), DEMO_CONFIG_PATH: '/nonexistent' }, source)).toEqual({ from: 'variable' });
});

test('errors name the config and where it was read from', () => {
  expect(() => loadHandlerConfig({}, source)).toThrow(/^cannot read the demo config from \/nonexistent\/demo\/config.json: ENOENT/);
  expect(() => loadHandlerConfig({ DEMO_CONFIG: 'bm90IGd6aXA=' }, source)).toThrow(/^cannot read the demo config from DEMO_CONFIG: /);
});

test('without a default path, a missing variable says which two variables would do', () => {
  expect(() => loadHandlerConfig({}, { variable: 'DEMO_CONFIG', what: 'the demo config' }))
    .toThrow('cannot read the demo config: neither DEMO_CONFIG nor DEMO_CONFIG_PATH is set');
});
