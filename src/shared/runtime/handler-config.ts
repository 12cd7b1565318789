import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Synth-time configuration that a construct hands to its handlers, read once per cold start.
 * Why there are two transports, and which construct uses which: src/private/handler-config.ts.
 * Under one name, e.g. PIPELINE_CONFIG:
 * - `<name>` holds base64 of gzip of the JSON, in the environment variable itself;
 * - otherwise `<name>_PATH` (or `defaultPath`) names a JSON file: one the construct ships in a
 *   Lambda layer (under /opt), or a local file in tests and local runs.
 */
export interface HandlerConfigSource {
  /** The environment variable, e.g. 'PIPELINE_CONFIG'; `<variable>_PATH` names a file instead. */
  readonly variable: string;
  /** The file read when neither variable is set: where the construct's layer puts it (none: one of the variables must be set). */
  readonly defaultPath?: string;
  /** Named in errors, e.g. 'the pipeline config'. */
  readonly what: string;
}

/** base64(gzip(JSON)): how a construct packs a config into one environment variable. */
export function packHandlerConfig(config: unknown): string {
  return gzipSync(Buffer.from(JSON.stringify(config)), { level: 9 }).toString('base64');
}

/** Reads the config from `<variable>` (packed) or else from the file at `<variable>_PATH` or `defaultPath`. */
export function loadHandlerConfig<T>(env: NodeJS.ProcessEnv, source: HandlerConfigSource): T {
  const packed = env[source.variable];
  const path = env[`${source.variable}_PATH`] || source.defaultPath;
  if (!packed && !path) throw new Error(`cannot read ${source.what}: neither ${source.variable} nor ${source.variable}_PATH is set`);
  try {
    const json = packed ? gunzipSync(Buffer.from(packed, 'base64')).toString('utf8') : readFileSync(path!, 'utf8');
    return JSON.parse(json) as T;
  } catch (error) {
    throw new Error(`cannot read ${source.what} from ${packed ? source.variable : path}: ${(error as Error).message}`);
  }
}
