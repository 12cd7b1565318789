/**
 * Validates the pipeline's messages with the validators ajv compiled from the JSON Schemas in
 * `schemas/` (message-validators.generated.ts, written by scripts/messages/generate.ts), and turns
 * ajv's first error into one sentence naming the field (a JSON pointer) and what is accepted.
 */
import type { ErrorObject } from 'ajv';
import { MESSAGE_TYPES, PipelineMessage, PipelineMessageType } from '../messages';
import { MESSAGE_VALIDATORS, RULE_EXPLANATIONS } from './message-validators.generated';

export type ParseResult =
  | { readonly ok: true; readonly message: PipelineMessage }
  | { readonly ok: false; readonly error: string };

const A_TYPE: Record<string, string> = {
  string: 'a string', integer: 'an integer', number: 'a number', object: 'an object', array: 'an array', boolean: 'a boolean',
};
const A_FORMAT: Record<string, string> = { 'date-time': 'an RFC 3339 date-time like 2026-03-10T08:00:00Z' };

/** One ajv error as "<pointer> <what is accepted>"; the keywords are those the schemas use. */
function describe({ keyword, instancePath: at, params, schemaPath }: ErrorObject): string {
  const p = params as Record<string, any>;
  switch (keyword) {
    case 'required': return `${at}/${p.missingProperty} is required`;
    case 'type': return `${at} must be ${A_TYPE[p.type] ?? p.type}`;
    case 'const': return `${at} must be ${JSON.stringify(p.allowedValue)}`;
    case 'enum': return `${at} must be one of ${p.allowedValues.join(', ')}`;
    case 'pattern': return `${at} must match ${p.pattern}`;
    case 'format': return `${at} must be ${A_FORMAT[p.format] ?? `a ${p.format}`}`;
    case 'minimum': return `${at} must be >= ${p.limit}`;
    case 'minLength': return p.limit === 1 ? `${at} must not be empty` : `${at} must be at least ${p.limit} characters`;
    case 'maxLength': return `${at} must be at most ${p.limit} characters`;
    case 'minItems': return p.limit === 1 ? `${at} must not be empty` : `${at} must have at least ${p.limit} items`;
    case 'uniqueItems': return `${at} must not repeat an item (items ${p.j} and ${p.i} are equal)`;
    default: return `${at || 'the message'} breaks ${schemaPath}`;
  }
}

/**
 * ajv stops at the first failure; a failed oneOf lists its branches' failures before its own
 * error, so it is explained as a whole. A failed if/then gets its condition appended.
 */
function explain(errors: readonly ErrorObject[], rules: Record<string, string>): string {
  const last = errors[errors.length - 1];
  if (last.keyword === 'oneOf' && rules[last.schemaPath]) return rules[last.schemaPath];
  const condition = rules[errors[0].schemaPath];
  return condition ? `${describe(errors[0])} ${condition}` : describe(errors[0]);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a parsed JSON value against the message contract. */
export function validateMessage(value: unknown): ParseResult {
  if (!isObject(value)) return { ok: false, error: 'a message must be a JSON object' };
  const type = value.type;
  if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, error: `/type must be one of ${MESSAGE_TYPES.join(', ')}` };
  }
  const validate = MESSAGE_VALIDATORS[type as PipelineMessageType];
  if (validate(value)) return { ok: true, message: value as unknown as PipelineMessage };
  return { ok: false, error: `${type}: ${explain(validate.errors!, RULE_EXPLANATIONS[type as PipelineMessageType])}` };
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
