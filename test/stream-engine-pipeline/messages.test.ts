/**
 * One source of truth for the message contract: the JSON Schemas in schemas/. The TypeScript types
 * (messages.ts) and ajv's compiled validators (runtime/message-validators.generated.ts) are written
 * from them by scripts/messages/generate.ts; these tests regenerate both in memory and fail when a
 * committed file differs, so a change to a schema, a type or a validator alone cannot go unseen.
 */
import { readFileSync } from 'node:fs';
import {
  MESSAGES_FILE, Schema, VALIDATORS_FILE, generateMessageModules, readSchemas,
} from '../../scripts/messages/generate';

const REGENERATE = 'npx ts-node --project test/tsconfig.json scripts/messages/generate.ts';
const schemas = readSchemas();
const generated = generateMessageModules(schemas);
const clone = (): Schema[] => JSON.parse(JSON.stringify(schemas));

test.each([
  ['messages.ts', MESSAGES_FILE, generated.messages],
  ['message-validators.generated.ts', VALIDATORS_FILE, generated.validators],
])(`the committed %s is what the schemas generate (else run: ${REGENERATE})`, (_, file, expected) => {
  expect(readFileSync(file, 'utf8')).toBe(expected);
});

describe('a one-field change to a schema changes both generated modules', () => {
  const cases = schemas.flatMap((schema, i) => Object.keys(schema.properties).map((field) => [schema.title, field, i] as const));

  test.each(cases)('%s.%s: required-ness', (_, field, i) => {
    const changed = clone();
    const required: string[] = changed[i].required;
    const wasRequired = required.includes(field);
    changed[i].required = wasRequired ? required.filter((f) => f !== field) : [...required, field];
    const after = generateMessageModules(changed);
    const line = (optional: boolean) => new RegExp(`^  readonly ${field}${optional ? '\\?' : ''}: `, 'm');
    const block = (text: string) => text.slice(text.indexOf(`export interface ${schemas[i].title} `)).split('\n}\n')[0];
    expect(block(generated.messages)).toMatch(line(!wasRequired));
    expect(block(after.messages)).toMatch(line(wasRequired));
    expect(after.validators).not.toBe(generated.validators);
  });

  test.each(cases.filter(([, field]) => field !== 'type' && field !== 'version'))('%s.%s: type', (_, field, i) => {
    const changed = clone();
    changed[i].properties[field] = { type: 'boolean' };
    const after = generateMessageModules(changed);
    expect(after.messages).toMatch(new RegExp(`^  readonly ${field}\\??: boolean;$`, 'm'));
    expect(after.messages).not.toBe(generated.messages);
    expect(after.validators).not.toBe(generated.validators);
  });

  test.each(schemas.map((schema, i) => [schema.title, i] as const))('%s: the type literal', (_, i) => {
    const changed = clone();
    changed[i].properties.type.const = 'renamed';
    const after = generateMessageModules(changed);
    expect(after.messages).toContain(`export interface ${schemas[i].title} {\n  readonly type: 'renamed';`);
    expect(after.messages).toMatch(/MESSAGE_TYPES[^;]*'renamed',/);
    expect(after.validators).toContain("'renamed': ");
  });

  test('the version, in every schema', () => {
    const changed = clone();
    for (const schema of changed) schema.properties.version.const = 2;
    const after = generateMessageModules(changed);
    expect(after.messages).toContain('export const MESSAGE_VERSION = 2;');
    expect(after.messages.match(/readonly version: 2;/g)).toHaveLength(schemas.length);
    expect(after.validators).not.toBe(generated.validators);
  });

  const enums = schemas.flatMap((schema, i) => Object.entries<Schema>(schema.properties)
    .filter(([, sub]) => sub.enum).map(([field, sub]) => [schema.title, field, i, sub.enum as string[]] as const));
  test.each(enums)('%s.%s: an enum value', (_, field, i, values) => {
    const changed = clone();
    changed[i].properties[field].enum = values.slice(0, -1);
    const after = generateMessageModules(changed);
    expect(after.messages).toContain(`readonly ${field}: ${values.slice(0, -1).map((v) => `'${v}'`).join(' | ')};`);
    expect(after.validators).not.toBe(generated.validators);
  });
});

describe('the generator refuses what it cannot express', () => {
  test.each<[string, (s: Schema[]) => void, RegExp]>([
    ['a keyword the types and error texts do not know', (s) => { s[0].properties.engine.maximum = 3; }, /chunk-result:v1 \/engine: unsupported keyword 'maximum'/],
    ['a union of types', (s) => { s[0].properties.engine = { anyOf: [{ type: 'string' }, { type: 'null' }] }; }, /unsupported keyword 'anyOf'/],
    ['a required name with no property', (s) => { s[0].required.push('ghost'); }, /required names properties it does not declare: ghost/],
    ['a oneOf it cannot explain', (s) => { s[0].oneOf = [{ required: ['output', 'error'] }, { required: ['status'] }]; }, /only oneOf of single required properties/],
    ['an if/then it cannot explain', (s) => { s[0].allOf[0].then = { properties: { output: { type: 'string' } } }; }, /only "if these properties have these consts, then require"/],
    ['versions that differ', (s) => { s[1].properties.version.const = 2; }, /same version const; got 1, 2/],
    ['a title that is not a FooMessage interface name', (s) => { s[0].title = 'chunk result'; }, /title 'chunk result' must name the TypeScript interface/],
  ])('%s', (_, change, error) => {
    const changed = clone();
    change(changed);
    expect(() => generateMessageModules(changed)).toThrow(error);
  });
});
