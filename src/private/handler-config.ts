import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Lazy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { packHandlerConfig } from '../shared/runtime/handler-config';

/**
 * How the constructs hand synth-time configuration to their handlers. Every handler reads it
 * with the one loader, `loadHandlerConfig` (src/shared/runtime/handler-config.ts), which takes
 * either transport below. Which one a construct uses depends on WHEN its config is final:
 *
 * - `configLayer`: files in a Lambda layer under /opt, for config that is complete when the
 *   construct is built and may be large. StatusPage: up to 1,000 checks are about 600 KB of JSON
 *   (15 KB even gzipped) plus a page template, far beyond the 4 KB Lambda allows for all
 *   environment variables together. A layer's files are staged as an asset when the layer is
 *   constructed, so they must be final at that moment.
 * - `packedConfigVariable`: base64(gzip(JSON)) in one environment variable, rendered at synth.
 *   StreamEnginePipeline: engines are added after its Lambdas exist, so its config is final only
 *   at synth, too late for a layer; compressed it is small (50 engines of one kind: under 1 KB).
 *   What limits a pipeline to about 16 engines of each kind is the deploy-time names beside it.
 *
 * Values known only at deploy time (ARNs, generated names) are never part of either: they go in
 * plain environment variables. `libraryFunction` checks at synth that every Lambda's environment
 * fits the 4 KB.
 */

/** A layer holding `files`, keyed by their path in the function (under /opt). */
export function configLayer(scope: Construct, id: string, description: string, files: Record<string, string>): lambda.LayerVersion {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handler-config-'));
  for (const [target, content] of Object.entries(files)) {
    const relative = path.posix.relative('/opt', target);
    if (relative.startsWith('..') || path.posix.isAbsolute(relative)) {
      throw new Error(`configLayer: ${target} is not under /opt, where Lambda extracts layers`);
    }
    fs.mkdirSync(path.join(dir, path.dirname(relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), content);
  }
  return new lambda.LayerVersion(scope, id, { description, code: lambda.Code.fromAsset(dir) });
}

/** The value of an environment variable that carries `produce()`'s result, packed, rendered at synth. */
export function packedConfigVariable(produce: () => unknown): string {
  return Lazy.string({ produce: () => packHandlerConfig(produce()) });
}
