/**
 * The pipeline's messages: JSON (UTF-8) validated with the JSON Schemas (draft 2020-12) in
 * ../schemas, a copy of the cdk-status-and-streams package's `schemas/` folder. Everything read
 * is validated before it is used, and everything written before it is sent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

export interface MediaChunkMessage {
  type: 'media-chunk';
  version: 1;
  streamId: string;
  chunkId: string;
  seq: number;
  startOffsetMs: number;
  endOffsetMs: number;
  mimeType: string;
  /** inline bytes (base64); exactly one of data and uri */
  data?: string;
  /** where a larger object is stored (s3://...) */
  uri?: string;
}

export interface ChunkResultMessage {
  type: 'chunk-result';
  version: 1;
  streamId: string;
  chunkId: string;
  engine: string;
  at: string;
  status: 'success' | 'error' | 'ignored';
  /** set when status is success */
  output?: Record<string, unknown>;
  /** set when status is error */
  error?: { code: string; message: string };
}

export interface HeartbeatMessage {
  type: 'heartbeat';
  version: 1;
  engine: string;
  taskId?: string;
  at: string;
  processed?: number;
}

/** What a streamId looks like (the schemas' pattern): a result's key and streamId. */
export const STREAM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export type Message = { type: string; version: number; [field: string]: unknown };

export type ParseResult = { ok: true; message: Message } | { ok: false; error: string };

/** `format: date-time` is RFC 3339 (section 5.6), as the package checks it. */
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

const SCHEMA_DIR = new URL('../schemas/', import.meta.url);

/** Standard base64 with its padding (what `contentEncoding: base64` fields carry). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

interface Validator {
  readonly validate: ValidateFunction;
  /** Top-level fields whose schema says `contentEncoding: base64` (ajv only annotates it). */
  readonly base64Fields: readonly string[];
}

/** One validator per message type (the schema's `type` const), from every schema in ../schemas. */
function loadValidators(): Map<string, Validator> {
  const ajv = new Ajv2020({ formats: { 'date-time': DATE_TIME } });
  const validators = new Map<string, Validator>();
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'))) {
    const schema = JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8'));
    const base64Fields = Object.entries(schema.properties as Record<string, { contentEncoding?: string }>)
      .filter(([, property]) => property.contentEncoding === 'base64').map(([name]) => name);
    validators.set(schema.properties.type.const, { validate: ajv.compile(schema), base64Fields });
  }
  return validators;
}

const validators = loadValidators();

/** Checks a parsed JSON value against the schema of its `type`. */
export function validateMessage(value: unknown): ParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'a message must be a JSON object' };
  }
  const type = (value as { type?: unknown }).type;
  const validator = typeof type === 'string' ? validators.get(type) : undefined;
  if (!validator) {
    return { ok: false, error: `/type must be one of ${[...validators.keys()].join(', ')}` };
  }
  if (!validator.validate(value)) {
    const [first] = validator.validate.errors!;
    return { ok: false, error: `${type}: ${first.instancePath || '/'} ${first.message}` };
  }
  const notBase64 = validator.base64Fields.find((name) => {
    const field = (value as Record<string, unknown>)[name];
    return typeof field === 'string' && !BASE64.test(field);
  });
  if (notBase64) {
    return { ok: false, error: `${type}: /${notBase64} must be base64` };
  }
  return { ok: true, message: value as Message };
}

/** Parses a record's value (UTF-8 JSON) and validates it; never throws. */
export function parseMessage(value: Buffer | null): ParseResult {
  if (!value) {
    return { ok: false, error: 'the record has no value' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value));
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  return validateMessage(parsed);
}

/** A message this engine writes, as bytes; a message breaking its schema is a bug in the engine. */
export function encodeMessage(message: ChunkResultMessage | HeartbeatMessage): Buffer {
  const checked = validateMessage(message);
  if (!checked.ok) {
    throw new Error(`the engine built an invalid ${message.type} message: ${checked.error}`);
  }
  return Buffer.from(JSON.stringify(message), 'utf-8');
}
