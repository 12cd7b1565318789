/**
 * A small, dependency-free validator of the pipeline's messages: it checks what the JSON Schemas
 * in `schemas/` check (type, version, required fields, field types, enums, patterns, the
 * data-xor-uri and status-dependent rules). test/stream-engine-pipeline/runtime/message-validation.test.ts
 * keeps the two in step by checking examples against both.
 */
import { MESSAGE_TYPES, MESSAGE_VERSION, PipelineMessage, PipelineMessageType } from '../messages';

export type ParseResult =
  | { readonly ok: true; readonly message: PipelineMessage }
  | { readonly ok: false; readonly error: string };

/** The streamId rule of the schemas: it ends up in group ids, DynamoDB keys and ECS tags. */
export const STREAM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

type Check = (value: unknown, path: string) => string | undefined;

const str = (minLength = 0, maxLength = Infinity): Check => (v, p) => {
  if (typeof v !== 'string') return `${p} must be a string`;
  if (v.length < minLength) return `${p} must not be empty`;
  if (v.length > maxLength) return `${p} must be at most ${maxLength} characters`;
  return undefined;
};
const streamId: Check = (v, p) => str(1)(v, p)
  ?? (STREAM_ID_PATTERN.test(v as string) ? undefined
    : `${p} must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit`);
const dateTime: Check = (v, p) => str(1)(v, p)
  ?? (RFC3339.test(v as string) && !Number.isNaN(Date.parse(v as string)) ? undefined
    : `${p} must be an RFC 3339 date-time like 2026-03-10T08:00:00Z`);
const int = (minimum: number): Check => (v, p) => {
  if (typeof v !== 'number' || !Number.isInteger(v)) return `${p} must be an integer`;
  return v < minimum ? `${p} must be >= ${minimum}` : undefined;
};
const num = (minimum: number): Check => (v, p) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${p} must be a number`;
  return v < minimum ? `${p} must be >= ${minimum}` : undefined;
};
const oneOf = (...allowed: string[]): Check => (v, p) =>
  (typeof v === 'string' && allowed.includes(v)) ? undefined : `${p} must be one of ${allowed.join(', ')}`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (fields?: Fields): Check => (v, p) => {
  if (!isObject(v)) return `${p} must be an object`;
  return fields ? checkFields(v, fields, `${p}.`) : undefined;
};
const stringMap: Check = (v, p) => {
  if (!isObject(v)) return `${p} must be an object`;
  const bad = Object.entries(v).find(([, value]) => typeof value !== 'string');
  return bad ? `${p}.${bad[0]} must be a string` : undefined;
};
const engineList: Check = (v, p) => {
  if (!Array.isArray(v)) return `${p} must be an array`;
  if (v.length === 0) return `${p} must not be empty (omit it for every engine)`;
  for (let i = 0; i < v.length; i++) {
    const error = str(1, 255)(v[i], `${p}[${i}]`);
    if (error) return error;
  }
  return new Set(v).size === v.length ? undefined : `${p} must not repeat an engine`;
};

/** field -> [required, check] */
type Fields = Record<string, readonly [boolean, Check]>;

function checkFields(value: Record<string, unknown>, fields: Fields, prefix = ''): string | undefined {
  for (const [name, [required, check]] of Object.entries(fields)) {
    if (value[name] === undefined) {
      if (required) return `${prefix}${name} is required`;
      continue;
    }
    const error = check(value[name], `${prefix}${name}`);
    if (error) return error;
  }
  return undefined;
}

const REQUIRED = true;
const OPTIONAL = false;
const engineName = str(1, 255);

/** Per type: the fields besides `type` and `version`, and any rule across fields. */
const RULES: Record<PipelineMessageType, { fields: Fields; across?: (m: Record<string, unknown>) => string | undefined }> = {
  'stream-init': {
    fields: {
      streamId: [REQUIRED, streamId],
      createdAt: [REQUIRED, dateTime],
      source: [REQUIRED, obj({ kind: [REQUIRED, oneOf('push', 'pull')], uri: [OPTIONAL, str(1)] })],
      mediaType: [OPTIONAL, str(1)],
      engines: [OPTIONAL, engineList],
      metadata: [OPTIONAL, stringMap],
    },
  },
  'stream-data': {
    fields: { streamId: [REQUIRED, streamId], seq: [REQUIRED, int(0)], offsetMs: [OPTIONAL, num(0)], data: [REQUIRED, str()] },
  },
  'end-of-stream': {
    fields: {
      streamId: [REQUIRED, streamId],
      lastSeq: [REQUIRED, int(-1)],
      at: [REQUIRED, dateTime],
      reason: [REQUIRED, oneOf('completed', 'source-closed', 'error')],
    },
  },
  'media-chunk': {
    fields: {
      streamId: [REQUIRED, streamId],
      chunkId: [REQUIRED, str(1)],
      seq: [REQUIRED, int(0)],
      startOffsetMs: [REQUIRED, num(0)],
      endOffsetMs: [REQUIRED, num(0)],
      mimeType: [REQUIRED, str(1)],
      data: [OPTIONAL, str()],
      uri: [OPTIONAL, str(1)],
    },
    across: (m) => ((m.data === undefined) === (m.uri === undefined) ? 'exactly one of data and uri is required' : undefined),
  },
  'engine-output': {
    fields: {
      streamId: [REQUIRED, streamId],
      engine: [REQUIRED, engineName],
      at: [REQUIRED, dateTime],
      startOffsetMs: [OPTIONAL, num(0)],
      endOffsetMs: [OPTIONAL, num(0)],
      output: [REQUIRED, obj()],
    },
  },
  'chunk-result': {
    fields: {
      streamId: [REQUIRED, streamId],
      chunkId: [REQUIRED, str(1)],
      engine: [REQUIRED, engineName],
      at: [REQUIRED, dateTime],
      status: [REQUIRED, oneOf('success', 'error', 'ignored')],
      output: [OPTIONAL, obj()],
      error: [OPTIONAL, obj({ code: [REQUIRED, str(1)], message: [REQUIRED, str()] })],
    },
    across: (m) => {
      if (m.status === 'success' && m.output === undefined) return 'output is required when status is success';
      if (m.status === 'error' && m.error === undefined) return 'error is required when status is error';
      return undefined;
    },
  },
  'heartbeat': {
    fields: {
      streamId: [OPTIONAL, streamId],
      engine: [REQUIRED, engineName],
      taskId: [OPTIONAL, str(1)],
      at: [REQUIRED, dateTime],
      processed: [OPTIONAL, int(0)],
    },
  },
};

/** Checks a parsed JSON value against the message contract. */
export function validateMessage(value: unknown): ParseResult {
  if (!isObject(value)) return { ok: false, error: 'a message must be a JSON object' };
  const type = value.type;
  if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, error: `type must be one of ${MESSAGE_TYPES.join(', ')}` };
  }
  if (value.version !== MESSAGE_VERSION) {
    return { ok: false, error: `${type}: version must be ${MESSAGE_VERSION}` };
  }
  const rule = RULES[type as PipelineMessageType];
  const error = checkFields(value, rule.fields) ?? rule.across?.(value);
  return error ? { ok: false, error: `${type}: ${error}` } : { ok: true, message: value as unknown as PipelineMessage };
}

/** Parses a Kafka value (bytes or text) and validates it; never throws. */
export function parseMessage(input: Uint8Array | string): ParseResult {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  return validateMessage(value);
}
