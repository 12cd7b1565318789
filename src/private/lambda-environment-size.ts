import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** Lambda allows 4 KB of environment variables per function: every key and value, as deployed. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/**
 * What a value known only at deploy time (a table name, an ARN, a subnet id, a generated service
 * name) counts for: 128 characters, a little more than the longest ARN the constructs pass (a task
 * definition ARN with a CDK-generated family name is 110 to 130 characters).
 */
export const DEPLOY_TIME_VALUE_BYTES = 128;

/**
 * The size of `fn`'s environment as it will be deployed: keys and literal text exactly (UTF-8),
 * values rendered at synth (`Lazy`) at their rendered size, `Fn::Join` part by part, and every
 * other deploy-time value at DEPLOY_TIME_VALUE_BYTES.
 */
export function environmentSizeBytes(fn: lambda.Function): number {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const resolved = Stack.of(fn).resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
  return Object.entries(resolved?.variables ?? {})
    .reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + deployedBytes(value), 0);
}

function deployedBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  const join = (value as { 'Fn::Join'?: unknown } | null)?.['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const [delimiter, parts] = join as [string, unknown[]];
    return parts.reduce<number>((sum, part) => sum + deployedBytes(part), 0) + Buffer.byteLength(delimiter) * Math.max(0, parts.length - 1);
  }
  return DEPLOY_TIME_VALUE_BYTES;
}
