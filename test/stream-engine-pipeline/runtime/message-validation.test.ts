/**
 * parseMessage validates with the validators ajv compiled from schemas/ at build time
 * (message-validators.generated.ts; messages.test.ts keeps that file in step with the schemas).
 * Every example below is also checked against the schema files themselves, compiled here by ajv
 * at run time, so these cases pin down what the shipped schemas accept. Malformed messages fail
 * both, and the validator's error names the field as a JSON pointer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { DATE_TIME } from '../../../scripts/messages/generate';
import { MESSAGE_TYPES, PipelineMessage, PipelineMessageType } from '../../../src/stream-engine-pipeline/messages';
import { parseMessage, validateMessage } from '../../../src/stream-engine-pipeline/runtime/message-validation';

const SCHEMAS = path.join(__dirname, '..', '..', '..', 'schemas');
const schemaOf = (type: string) => JSON.parse(readFileSync(path.join(SCHEMAS, `${type}.schema.json`), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, formats: { 'date-time': DATE_TIME } });
/** Whether the schema file accepts the value (ajv at run time, every error). */
const schemaAccepts = (type: string, value: unknown) => ajv.validate(schemaOf(type).$id, value);
for (const type of MESSAGE_TYPES) ajv.addSchema(schemaOf(type));

const AT = '2026-03-10T08:00:00Z';
/** Typed with the generated types, so tsc checks that they describe what the schemas accept. */
const VALID: { readonly [T in PipelineMessageType]: Extract<PipelineMessage, { type: T }> } = {
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
  'stream-status': {
    type: 'stream-status', version: 1, streamId: 's1', status: 'expired', statusId: 's1/1/expired', at: AT, engines: ['transcribe'], reason: 'waited 15 minutes',
  },
};

const TYPES = 'chunk-result, end-of-stream, engine-output, heartbeat, media-chunk, stream-data, stream-init, stream-status';
const STREAM_ID = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';
const DATE = 'an RFC 3339 date-time like 2026-03-10T08:00:00Z';

/** [description, message, the validator's whole error: the field as a JSON pointer and what is accepted] */
const MALFORMED: Array<[string, any, string]> = [
  ['unknown type', { ...VALID['stream-data'], type: 'stream-datum' }, `/type must be one of ${TYPES}`],
  ['wrong version', { ...VALID['stream-data'], version: 2 }, 'stream-data: /version must be 1'],
  ['missing streamId', { ...VALID['stream-data'], streamId: undefined }, 'stream-data: /streamId is required'],
  ['streamId with a space', { ...VALID['stream-data'], streamId: 'a b' }, `stream-data: /streamId must match ${STREAM_ID}`],
  ['streamId too long', { ...VALID['stream-data'], streamId: 'x'.repeat(129) }, `stream-data: /streamId must match ${STREAM_ID}`],
  ['seq as string', { ...VALID['stream-data'], seq: '1' }, 'stream-data: /seq must be an integer'],
  ['seq negative', { ...VALID['stream-data'], seq: -1 }, 'stream-data: /seq must be >= 0'],
  ['seq fractional', { ...VALID['stream-data'], seq: 1.5 }, 'stream-data: /seq must be an integer'],
  ['data missing', { ...VALID['stream-data'], data: undefined }, 'stream-data: /data is required'],
  ['offsetMs as string', { ...VALID['stream-data'], offsetMs: '5' }, 'stream-data: /offsetMs must be a number'],
  ['source kind not in enum', { ...VALID['stream-init'], source: { kind: 'poll' } }, 'stream-init: /source/kind must be one of push, pull'],
  ['source missing', { ...VALID['stream-init'], source: undefined }, 'stream-init: /source is required'],
  ['source not an object', { ...VALID['stream-init'], source: 'push' }, 'stream-init: /source must be an object'],
  ['createdAt not a date', { ...VALID['stream-init'], createdAt: 'yesterday' }, `stream-init: /createdAt must be ${DATE}`],
  ['createdAt in month 13', { ...VALID['stream-init'], createdAt: '2026-13-01T00:00:00Z' }, `stream-init: /createdAt must be ${DATE}`],
  ['createdAt at hour 24', { ...VALID['stream-init'], createdAt: '2026-03-10T24:00:00Z' }, `stream-init: /createdAt must be ${DATE}`],
  ['createdAt without a zone', { ...VALID['stream-init'], createdAt: '2026-03-10T08:00:00' }, `stream-init: /createdAt must be ${DATE}`],
  ['engines empty', { ...VALID['stream-init'], engines: [] }, 'stream-init: /engines must not be empty'],
  ['engines repeated', { ...VALID['stream-init'], engines: ['a', 'a'] }, 'stream-init: /engines must not repeat an item (items 1 and 0 are equal)'],
  ['engines of numbers', { ...VALID['stream-init'], engines: [1] }, 'stream-init: /engines/0 must be a string'],
  ['engine name too long', { ...VALID['stream-init'], engines: ['x'.repeat(256)] }, 'stream-init: /engines/0 must be at most 255 characters'],
  ['metadata of numbers', { ...VALID['stream-init'], metadata: { n: 1 } }, 'stream-init: /metadata/n must be a string'],
  ['reason not in enum', { ...VALID['end-of-stream'], reason: 'done' }, 'end-of-stream: /reason must be one of completed, source-closed, error'],
  ['lastSeq below -1', { ...VALID['end-of-stream'], lastSeq: -2 }, 'end-of-stream: /lastSeq must be >= -1'],
  ['chunk with data and uri', { ...VALID['media-chunk'], data: 'AAEC' }, 'media-chunk: exactly one of /data and /uri is required'],
  ['chunk with neither data nor uri', { ...VALID['media-chunk'], uri: undefined }, 'media-chunk: exactly one of /data and /uri is required'],
  ['mimeType empty', { ...VALID['media-chunk'], mimeType: '' }, 'media-chunk: /mimeType must not be empty'],
  ['output not an object', { ...VALID['engine-output'], output: 'text' }, 'engine-output: /output must be an object'],
  ['output an array', { ...VALID['engine-output'], output: [1] }, 'engine-output: /output must be an object'],
  ['stream status not in enum', { ...VALID['stream-status'], status: 'rejected' }, 'stream-status: /status must be one of waiting, running, finished, expired, failed'],
  ['stream status without statusId', { ...VALID['stream-status'], statusId: undefined }, 'stream-status: /statusId is required'],
  ['status error without error', { ...VALID['chunk-result'], error: undefined }, 'chunk-result: /error is required when /status is error'],
  ['status success without output', { ...VALID['chunk-result'], status: 'success', error: undefined }, 'chunk-result: /output is required when /status is success'],
  ['error without code', { ...VALID['chunk-result'], error: { message: 'x' } }, 'chunk-result: /error/code is required'],
  ['status not in enum', { ...VALID['chunk-result'], status: 'failed' }, 'chunk-result: /status must be one of success, error, ignored'],
  ['heartbeat without engine', { ...VALID.heartbeat, engine: undefined }, 'heartbeat: /engine is required'],
  ['processed negative', { ...VALID.heartbeat, processed: -1 }, 'heartbeat: /processed must be >= 0'],
];

/** Values at the edges that the schemas accept: [description, message] */
const EDGES: Array<[string, any]> = [
  ['a leap second and a fraction', { ...VALID['end-of-stream'], at: '2026-06-30T23:59:60.5Z' }],
  ['a lower-case t and z', { ...VALID.heartbeat, at: '2026-03-10t08:00:00z' }],
  ['a negative offset', { ...VALID.heartbeat, at: '2026-03-10T08:00:00-05:30' }],
  ['a 128-character streamId', { ...VALID['stream-data'], streamId: 'x'.repeat(128) }],
  ['a 255-character engine name of astral characters (lengths count code points)', { ...VALID.heartbeat, engine: '\u{1F600}'.repeat(255) }],
  ['lastSeq -1 and unknown properties (consumers ignore them)', { ...VALID['end-of-stream'], lastSeq: -1, futureField: true }],
  ['a chunk-result ignored, with neither output nor error', { ...VALID['chunk-result'], status: 'ignored', error: undefined }],
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
      expect(ajv.validateSchema(schema)).toBe(true);
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
    expect(schemaAccepts(type, example)).toBe(true);
    const parsed = parseMessage(Buffer.from(JSON.stringify(example)));
    expect(parsed).toEqual({ ok: true, message: example });
  });

  test("the validator requires exactly the schema's required fields", () => {
    const schema = schemaOf(type);
    for (const field of Object.keys(schema.properties)) {
      const without = { ...example, [field]: undefined };
      const schemaSays = schemaAccepts(type, strip(without));
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
        expect(schemaAccepts(type, message)).toBe(true);
        expect(parseMessage(JSON.stringify(message)).ok).toBe(true);
      }
      if (sub.enum) {
        const message = { ...example, [field]: `not-${sub.enum[0]}` };
        expect(schemaAccepts(type, message)).toBe(false);
        expect(parseMessage(JSON.stringify(message))).toEqual({ ok: false, error: `${type}: /${field} must be one of ${sub.enum.join(', ')}` });
      }
    }
  });
});

describe('malformed messages', () => {
  test.each(MALFORMED)('%s: fails the schema; the validator says why', (_, message, error) => {
    const schemaType = (MESSAGE_TYPES as readonly string[]).includes(message.type) ? message.type : 'stream-data';
    expect(schemaAccepts(schemaType, strip(message))).toBe(false);
    expect(parseMessage(JSON.stringify(message))).toEqual({ ok: false, error });
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

  test('a value that is not plain JSON data (a class instance, undefined) is rejected without throwing', () => {
    expect(validateMessage(undefined)).toEqual({ ok: false, error: 'a message must be a JSON object' });
    expect(validateMessage(new Date())).toEqual({ ok: false, error: `/type must be one of ${TYPES}` });
  });
});

describe('edge values', () => {
  test.each(EDGES)('%s: passes the schema and the validator', (_, message) => {
    expect(schemaAccepts(message.type, strip(message))).toBe(true);
    expect(parseMessage(JSON.stringify(message))).toEqual({ ok: true, message: strip(message) });
  });
});
