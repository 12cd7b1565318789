/**
 * The message contract has one source of truth: the JSON Schemas in schemas/ (they ship in the
 * package; engines in any language validate with them). From them this script writes
 *
 *   src/stream-engine-pipeline/messages.ts                                  the TypeScript types
 *   src/stream-engine-pipeline/runtime/message-validators.generated.ts     ajv's standalone validators
 *
 * Run it after changing a schema:
 *   npx ts-node --project test/tsconfig.json scripts/messages/generate.ts
 * test/stream-engine-pipeline/messages.test.ts regenerates both in memory and fails when a
 * committed file differs, so neither can drift from the schemas.
 *
 * Validators are compiled here, at build time, so a handler bundles ~35 KB of generated code and
 * a tiny ajv runtime helper instead of ajv itself (~120 KB minified, and a compile at cold start).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';

const ROOT = path.join(__dirname, '..', '..');
export const SCHEMA_DIR = path.join(ROOT, 'schemas');
export const MESSAGES_FILE = path.join(ROOT, 'src', 'stream-engine-pipeline', 'messages.ts');
export const VALIDATORS_FILE = path.join(ROOT, 'src', 'stream-engine-pipeline', 'runtime', 'message-validators.generated.ts');

/**
 * `format: date-time` is RFC 3339 section 5.6 (ajv-formats is not a dependency): full-date "T"
 * full-time, with month 01-12, day 01-31, hour 00-23, minute 00-59, second 00-60 (leap second),
 * optional fraction, and "Z" or a +hh:mm / -hh:mm offset. Days per month are not checked.
 */
export const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** The subset of JSON Schema the message schemas use; the generator refuses anything else. */
export interface Schema {
  [keyword: string]: any;
}

/**
 * Keywords that only constrain values: they do not change a property's TypeScript type. The
 * error text of each is in message-validation.ts (describe): add it there when adding one here.
 */
const VALUE_KEYWORDS = ['description', 'pattern', 'minLength', 'maxLength', 'minimum', 'format', 'contentEncoding', 'minItems', 'uniqueItems'];
const TYPE_KEYWORDS = ['type', 'const', 'enum', 'items', 'properties', 'required', 'additionalProperties'];
const ROOT_KEYWORDS = ['$schema', '$id', 'title', 'description', 'type', 'properties', 'required', 'allOf', 'oneOf'];

/** The schemas in schemas/, ordered by file name. */
export function readSchemas(dir = SCHEMA_DIR): Schema[] {
  return readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
}

/** The two generated modules' text, from the schemas. */
export function generateMessageModules(schemas: readonly Schema[]): { messages: string; validators: string } {
  const versions = new Set(schemas.map((s) => s.properties?.version?.const));
  if (versions.size !== 1) throw new Error(`every schema must have the same version const; got ${[...versions].join(', ')}`);
  for (const schema of schemas) checkRoot(schema);
  return { messages: messagesModule(schemas, [...versions][0]), validators: validatorsModule(schemas) };
}

function fail(schema: Schema, at: string, problem: string): never {
  throw new Error(`${schema.$id ?? schema.title} ${at || '/'}: ${problem} (teach scripts/messages/generate.ts first)`);
}

function checkRoot(schema: Schema): void {
  for (const keyword of Object.keys(schema)) {
    if (!ROOT_KEYWORDS.includes(keyword)) fail(schema, '', `unsupported keyword '${keyword}'`);
  }
  if (schema.type !== 'object' || typeof schema.properties?.type?.const !== 'string') fail(schema, '', "must be an object with a 'type' const");
  if (!/^[A-Z][A-Za-z]*Message$/.test(schema.title)) fail(schema, '', `title '${schema.title}' must name the TypeScript interface (FooMessage)`);
}

// ---- TypeScript types ----------------------------------------------------------------------

const HEADER = `/**
 * The message contract engines speak on the pipeline's topics (the article's "number of
 * message formats"). Every message is a JSON object with \`type\`, \`version\` and \`streamId\`;
 * every message of one stream is produced with the stream id as its Kafka key, so one consumer
 * receives the whole stream, in order. JSON Schemas of these types ship in the package under
 * \`schemas/\`, so engines in any language can validate what they read and write.
 *
 * GENERATED from schemas/*.schema.json by scripts/messages/generate.ts: do not edit, change the
 * schema and run the script (test/stream-engine-pipeline/messages.test.ts fails when this file is
 * stale). Rules across fields (oneOf, if/then) are in the descriptions; the validator checks them.
 *
 * Runtime code only: these TypeScript types are not part of the jsii API (other languages read
 * the JSON Schemas).
 */
`;

function messagesModule(schemas: readonly Schema[], version: number): string {
  const types = schemas.map((s) => s.properties.type.const as string);
  const interfaces = schemas.map((schema) =>
    `${docComment(schema.description, '')}export interface ${schema.title} ${objectType(schema, schema, '', '')}\n`);
  return [
    HEADER,
    `export const MESSAGE_VERSION = ${version};\n`,
    ...interfaces,
    `export type PipelineMessage =\n${schemas.map((s) => `  | ${s.title}`).join('\n')};\n`,
    "export type PipelineMessageType = PipelineMessage['type'];\n",
    `export const MESSAGE_TYPES: readonly PipelineMessageType[] = [\n${types.map((t) => `  '${t}',`).join('\n')}\n];\n`,
  ].join('\n');
}

/** A doc comment wrapped at 100 columns, or nothing. */
function docComment(text: string | undefined, indent: string): string {
  if (!text) return '';
  const words = text.replace(/\*\//g, '*\\/').split(/\s+/);
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.length - 1;
    if (last >= 0 && `${indent} * ${lines[last]} ${word}`.length <= 100) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.length === 1 && `${indent}/** ${lines[0]} */`.length <= 100
    ? `${indent}/** ${lines[0]} */\n`
    : `${indent}/**\n${lines.map((l) => `${indent} * ${l}\n`).join('')}${indent} */\n`;
}

function literal(value: unknown, schema: Schema, at: string): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(schema, at, `unsupported literal ${JSON.stringify(value)}`);
}

/** The TypeScript type of a property schema. */
function typeOf(sub: Schema, root: Schema, at: string, indent: string): string {
  for (const keyword of Object.keys(sub)) {
    if (!VALUE_KEYWORDS.includes(keyword) && !TYPE_KEYWORDS.includes(keyword)) fail(root, at, `unsupported keyword '${keyword}'`);
  }
  if ('const' in sub) return literal(sub.const, root, at);
  if (sub.enum) return sub.enum.map((v: unknown) => literal(v, root, at)).join(' | ');
  switch (sub.type) {
    case 'string': return 'string';
    case 'integer':
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'array': {
      const item = typeOf(sub.items ?? fail(root, at, 'an array needs items'), root, `${at}/items`, indent);
      return /[ |]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'object':
      if (sub.properties && sub.additionalProperties !== undefined) fail(root, at, 'properties and additionalProperties together');
      if (sub.properties) return objectType(sub, root, at, indent);
      if (typeof sub.additionalProperties === 'object') {
        return `Record<string, ${typeOf(sub.additionalProperties, root, `${at}/additionalProperties`, indent)}>`;
      }
      return 'Record<string, unknown>';
    default: return fail(root, at, `unsupported type ${JSON.stringify(sub.type)}`);
  }
}

/** `{ readonly name?: type; ... }`, one documented property a line. */
function objectType(sub: Schema, root: Schema, at: string, indent: string): string {
  const required: string[] = sub.required ?? [];
  const inner = `${indent}  `;
  const members = Object.entries<Schema>(sub.properties).map(([name, property]) => {
    if (!/^[A-Za-z_]\w*$/.test(name)) fail(root, `${at}/${name}`, 'property name must be an identifier');
    const optional = required.includes(name) ? '' : '?';
    return `${docComment(property.description, inner)}${inner}readonly ${name}${optional}: ${typeOf(property, root, `${at}/${name}`, inner)};\n`;
  });
  const unknown = required.filter((name) => !(name in sub.properties));
  if (unknown.length) fail(root, at, `required names properties it does not declare: ${unknown.join(', ')}`);
  return `{\n${members.join('')}${indent}}`;
}

// ---- validators ----------------------------------------------------------------------------

/**
 * Plain-language text for the schemas' rules across fields, keyed by the ajv schemaPath of the
 * error that reports them: an if/then's `then` (its condition, appended to that error) and a
 * oneOf (the whole rule).
 */
function ruleExplanations(schema: Schema): Record<string, string> {
  const texts: Record<string, string> = {};
  (schema.allOf ?? []).forEach((rule: Schema, i: number) => {
    const condition = Object.entries<Schema>(rule.if?.properties ?? {});
    const known = Object.keys(rule).join() === 'if,then' && Object.keys(rule.then).join() === 'required'
      && condition.length > 0 && condition.every(([, s]) => 'const' in s);
    if (!known) fail(schema, `/allOf/${i}`, 'only "if these properties have these consts, then require" rules are explained');
    texts[`#/allOf/${i}/then/required`] = `when ${condition.map(([name, s]) => `/${name} is ${s.const}`).join(' and ')}`;
  });
  if (schema.oneOf) {
    const names = schema.oneOf.map((branch: Schema) =>
      (Object.keys(branch).join() === 'required' && branch.required.length === 1 ? `/${branch.required[0]}` : fail(schema, '/oneOf', 'only oneOf of single required properties is explained')));
    texts['#/oneOf'] = `exactly one of ${names.join(' and ')} is required`;
  }
  return texts;
}

const camel = (type: string) => type.replace(/-(.)/g, (_, c: string) => c.toUpperCase());

function validatorsModule(schemas: readonly Schema[]): string {
  const ajv = new Ajv2020({ code: { source: true, esm: true, lines: true }, messages: false, formats: { 'date-time': DATE_TIME } });
  for (const schema of schemas) ajv.addSchema(schema);
  const code = standaloneCode(ajv, Object.fromEntries(schemas.map((s) => [camel(s.properties.type.const), s.$id])));
  const entries = (value: (s: Schema) => string) => schemas.map((s) => `  '${s.properties.type.const}': ${value(s)},`).join('\n');
  return `// @ts-nocheck: ajv's standalone output is untyped JavaScript; the exports below are typed.
/* GENERATED from schemas/*.schema.json by scripts/messages/generate.ts with ajv's standalone code
 * (draft 2020-12, first error only, date-time per RFC 3339): do not edit. Validation lives in
 * message-validation.ts; test/stream-engine-pipeline/messages.test.ts fails when this is stale. */
import type { ErrorObject } from 'ajv';
import type { PipelineMessageType } from '../messages';

/** An ajv validator: true when the message is valid, else \`errors\` says why. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

${code.replace(/^"use strict";\n/, '').replace(/^export const /gm, 'const ')}

/** The validator of each message type. */
export const MESSAGE_VALIDATORS: Record<PipelineMessageType, CompiledValidator> = {
${entries((s) => camel(s.properties.type.const))}
};

/** Plain-language text of each schema's rules across fields, by ajv schemaPath. */
export const RULE_EXPLANATIONS: Record<PipelineMessageType, Record<string, string>> = {
${entries((s) => JSON.stringify(ruleExplanations(s)))}
};
`;
}

if (require.main === module) {
  const { messages, validators } = generateMessageModules(readSchemas());
  writeFileSync(MESSAGES_FILE, messages);
  writeFileSync(VALIDATORS_FILE, validators);
  console.log(`wrote ${path.relative(ROOT, MESSAGES_FILE)} and ${path.relative(ROOT, VALIDATORS_FILE)}`);
}
