/**
 * The JSON Schemas in schemas/ and the hand-written validator (runtime/message-validation.ts)
 * must agree. Every example below is checked against BOTH: the schema file, read from disk and
 * evaluated by a tiny checker of the draft 2020-12 keywords the schemas use (below), and
 * parseMessage. Malformed messages must fail both, and the validator's error names the field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MESSAGE_TYPES } from '../../../src/stream-engine-pipeline/messages';
import { parseMessage } from '../../../src/stream-engine-pipeline/runtime/message-validation';

const SCHEMAS = path.join(__dirname, '..', '..', '..', 'schemas');
const schemaOf = (type: string) => JSON.parse(readFileSync(path.join(SCHEMAS, `${type}.schema.json`), 'utf8'));

/** Returns the first violation of `schema` by `value`, or undefined (the keywords our schemas use). */
function violation(schema: any, value: any, at = '$'): string | undefined {
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (schema.type) {
    const ok = schema.type === 'integer' ? Number.isInteger(value) : schema.type === kind;
    if (!ok) return `${at}: not ${schema.type}`;
  }
  if ('const' in schema && value !== schema.const) return `${at}: not ${schema.const}`;
  if (schema.enum && !schema.enum.includes(value)) return `${at}: not in enum`;
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return `${at}: too short`;
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return `${at}: too long`;
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) return `${at}: pattern`;
    if (schema.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return `${at}: date-time`;
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) return `${at}: minimum`;
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return `${at}: minItems`;
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) return `${at}: uniqueItems`;
    for (let i = 0; i < value.length && schema.items; i++) {
      const v = violation(schema.items, value[i], `${at}[${i}]`);
      if (v) return v;
    }
  }
  if (kind === 'object') {
    for (const name of schema.required ?? []) if (!(name in value)) return `${at}.${name}: required`;
    for (const [name, v] of Object.entries(value)) {
      const sub = schema.properties?.[name] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      const bad = sub && violation(sub, v, `${at}.${name}`);
      if (bad) return bad;
    }
  }
  if (schema.oneOf && schema.oneOf.filter((s: any) => !violation(s, value, at)).length !== 1) return `${at}: oneOf`;
  for (const s of schema.allOf ?? []) {
    const v = violation(s, value, at);
    if (v) return v;
  }
  if (schema.if && !violation(schema.if, value, at) && schema.then) return violation(schema.then, value, at);
  return undefined;
}

const AT = '2026-03-10T08:00:00Z';
const VALID: Record<string, any> = {
  'stream-init': {
    type: 'stream-init',
    version: 1,
    streamId: 'cam-42.2026:03',
    createdAt: AT,
    source: { kind: 'pull', uri: 'rtsp://10.0.0.5/live' },
    mediaType: 'video/mp4',
    engines: ['transcribe'],
    metadata: { site: 'lobby' },
  },
  'stream-data': { type: 'stream-data', version: 1, streamId: 's1', seq: 0, offsetMs: 0, data: 'AAEC' },
  'end-of-stream': { type: 'end-of-stream', version: 1, streamId: 's1', lastSeq: -1, at: AT, reason: 'source-closed' },
  'media-chunk': {
    type: 'media-chunk', version: 1, streamId: 's1', chunkId: 'c-1', seq: 3, startOffsetMs: 3000, endOffsetMs: 4000, mimeType: 'image/jpeg', uri: 's3://b/k.jpg',
  },
  'engine-output': { type: 'engine-output', version: 1, streamId: 's1', engine: 'transcribe', at: AT, output: { text: 'hello' } },
  'chunk-result': { type: 'chunk-result', version: 1, streamId: 's1', chunkId: 'c-1', engine: 'faces', at: AT, status: 'error', error: { code: 'E1', message: 'bad frame' } },
  'heartbeat': { type: 'heartbeat', version: 1, engine: 'faces', at: AT, processed: 12 },
};

/** [description, message, field the validator's error must name] */
const MALFORMED: Array<[string, any, string]> = [
  ['unknown type', { ...VALID['stream-data'], type: 'stream-datum' }, 'type'],
  ['wrong version', { ...VALID['stream-data'], version: 2 }, 'version'],
  ['missing streamId', { ...VALID['stream-data'], streamId: undefined }, 'streamId'],
  ['streamId with a space', { ...VALID['stream-data'], streamId: 'a b' }, 'streamId'],
  ['streamId too long', { ...VALID['stream-data'], streamId: 'x'.repeat(129) }, 'streamId'],
  ['seq as string', { ...VALID['stream-data'], seq: '1' }, 'seq'],
  ['seq negative', { ...VALID['stream-data'], seq: -1 }, 'seq'],
  ['seq fractional', { ...VALID['stream-data'], seq: 1.5 }, 'seq'],
  ['data missing', { ...VALID['stream-data'], data: undefined }, 'data'],
  ['source kind not in enum', { ...VALID['stream-init'], source: { kind: 'poll' } }, 'source.kind'],
  ['source missing', { ...VALID['stream-init'], source: undefined }, 'source'],
  ['createdAt not a date', { ...VALID['stream-init'], createdAt: 'yesterday' }, 'createdAt'],
  ['engines empty', { ...VALID['stream-init'], engines: [] }, 'engines'],
  ['engines repeated', { ...VALID['stream-init'], engines: ['a', 'a'] }, 'engines'],
  ['engines of numbers', { ...VALID['stream-init'], engines: [1] }, 'engines[0]'],
  ['metadata of numbers', { ...VALID['stream-init'], metadata: { n: 1 } }, 'metadata.n'],
  ['reason not in enum', { ...VALID['end-of-stream'], reason: 'done' }, 'reason'],
  ['lastSeq below -1', { ...VALID['end-of-stream'], lastSeq: -2 }, 'lastSeq'],
  ['chunk with data and uri', { ...VALID['media-chunk'], data: 'AAEC' }, 'data and uri'],
  ['chunk with neither data nor uri', { ...VALID['media-chunk'], uri: undefined }, 'data and uri'],
  ['mimeType empty', { ...VALID['media-chunk'], mimeType: '' }, 'mimeType'],
  ['output not an object', { ...VALID['engine-output'], output: 'text' }, 'output'],
  ['status error without error', { ...VALID['chunk-result'], error: undefined }, 'error'],
  ['status success without output', { ...VALID['chunk-result'], status: 'success', error: undefined }, 'output'],
  ['error without code', { ...VALID['chunk-result'], error: { message: 'x' } }, 'error.code'],
  ['status not in enum', { ...VALID['chunk-result'], status: 'failed' }, 'status'],
  ['heartbeat without engine', { ...VALID.heartbeat, engine: undefined }, 'engine'],
  ['processed negative', { ...VALID.heartbeat, processed: -1 }, 'processed'],
];

const strip = (m: any) => JSON.parse(JSON.stringify(m)); // drops the undefined fields

describe('schemas/', () => {
  test('has one valid JSON draft 2020-12 schema per message type, and a README naming each', () => {
    const files = readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json')).sort();
    expect(files).toEqual(MESSAGE_TYPES.map((t) => `${t}.schema.json`).sort());
    const readme = readFileSync(path.join(SCHEMAS, 'README.md'), 'utf8');
    for (const type of MESSAGE_TYPES) {
      const schema = schemaOf(type);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.properties.type.const).toBe(type);
      expect(schema.properties.version.const).toBe(1);
      expect(schema.required).toEqual(expect.arrayContaining(['type', 'version']));
      expect(readme).toContain(`${type}.schema.json`);
    }
    expect(readme).toMatch(/key = `streamId`/i);
  });
});

describe.each(MESSAGE_TYPES.map((t) => [t]))('%s', (type) => {
  const example = VALID[type];

  test('the valid example passes the schema and the validator', () => {
    expect(violation(schemaOf(type), example)).toBeUndefined();
    const parsed = parseMessage(Buffer.from(JSON.stringify(example)));
    expect(parsed).toEqual({ ok: true, message: example });
  });

  test("the validator requires exactly the schema's required fields", () => {
    const schema = schemaOf(type);
    for (const field of Object.keys(schema.properties)) {
      const without = { ...example, [field]: undefined };
      const schemaSays = violation(schema, strip(without)) === undefined;
      const validatorSays = parseMessage(JSON.stringify(without)).ok;
      expect([field, validatorSays]).toEqual([field, schemaSays]);
      if (schema.required.includes(field)) expect(validatorSays).toBe(false);
    }
  });

  test("the validator accepts exactly the schema's enum values", () => {
    const schema = schemaOf(type);
    for (const [field, sub] of Object.entries<any>(schema.properties)) {
      for (const value of sub.enum ?? []) {
        const message = strip({ ...example, [field]: value, output: { x: 1 }, error: { code: 'E', message: 'm' } });
        expect(violation(schema, message)).toBeUndefined();
        expect(parseMessage(JSON.stringify(message)).ok).toBe(true);
      }
    }
  });
});

describe('malformed messages', () => {
  test.each(MALFORMED.map(([d, m, f]) => [d, f, m]))('%s: fails the schema, the validator names %s', (_, field, message) => {
    const json = JSON.stringify(message);
    const schemaType = (MESSAGE_TYPES as readonly string[]).includes(message.type) ? message.type : 'stream-data';
    expect(violation(schemaOf(schemaType), strip(message))).toBeDefined();
    const parsed = parseMessage(json);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(field);
  });

  test.each([
    ['not JSON', '{"type": "stream-init",', 'not JSON'],
    ['a JSON array', '[1, 2]', 'object'],
    ['JSON null', 'null', 'object'],
    ['empty bytes', Buffer.alloc(0), 'not JSON'],
  ])('%s is rejected without throwing', (_, input, text) => {
    const parsed = parseMessage(input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(text);
  });
});
