import * as fs from 'node:fs';
import { describe, invalidProp } from '../private/validation';

/** Most a template may weigh: it ships in a Lambda layer and is read on every cold start. */
const MAX_TEMPLATE_BYTES = 512 * 1024;

/**
 * The mustache template the renderer fills in. The variables it receives are documented in
 * the README ("Custom templates"); values are HTML-escaped by `{{name}}`.
 */
export class PageTemplate {
  /** The built-in page: responsive, dark-mode aware, no JavaScript. */
  public static builtIn(): PageTemplate {
    return new PageTemplate(undefined);
  }

  /** A template given as text. */
  public static fromString(template: string): PageTemplate {
    return new PageTemplate(checked('PageTemplate.fromString()', 'template', template));
  }

  /** A template read from a file at synth time. */
  public static fromFile(path: string): PageTemplate {
    let text: string;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch (e) {
      return invalidProp('PageTemplate.fromFile()', 'path', `must name a readable file; got ${describe(path)} (${(e as Error).message})`);
    }
    return new PageTemplate(checked('PageTemplate.fromFile()', `the file ${describe(path)}`, text));
  }

  /** @internal the template text; undefined for the built-in template */
  public readonly _text?: string;

  private constructor(text: string | undefined) {
    this._text = text;
  }
}

function checked(where: string, prop: string, text: string): string {
  if (text.trim().length === 0) {
    invalidProp(where, prop, 'must not be empty');
  }
  if (Buffer.byteLength(text) > MAX_TEMPLATE_BYTES) {
    invalidProp(where, prop, `must be at most ${MAX_TEMPLATE_BYTES} bytes; got ${Buffer.byteLength(text)}`);
  }
  if (/\{\{\{|\{\{&/.test(text)) {
    invalidProp(where, prop, 'must not use unescaped mustache tags ({{{ }}} or {{& }}): every value on the page may come from a probed service');
  }
  return text;
}
