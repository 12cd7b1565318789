import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The newest Node.js Lambda runtime the user's aws-cdk-lib knows (its `lambda.Runtime.ALL`):
 * nodejs22.x on the peer floor 2.200.1, nodejs24.x on 2.276.0. The handler bundles target Node.js
 * 22 (esbuild, .projenrc.ts), the oldest this can return, and run on every newer major.
 *
 * This is the runtime cdk-nag's AwsSolutions-L1 asks for, and a literal in the template on every
 * aws-cdk-lib version, unlike `Runtime.NODEJS_LATEST` (nodejs18.x on 2.200.1) and
 * `determineLatestNodeRuntime` (on 2.200.1 a per-region mapping that names nodejs18.x in the
 * isolated regions, which cdk-nag cannot resolve).
 */
export function newestNodeRuntime(): lambda.Runtime {
  const major = (runtime: lambda.Runtime) => Number(/^nodejs(\d+)\.x$/.exec(runtime.name)?.[1] ?? 0);
  return lambda.Runtime.ALL
    .filter((runtime) => runtime.family === lambda.RuntimeFamily.NODEJS && !runtime.isVariable)
    .reduce((newest, runtime) => (major(runtime) > major(newest) ? runtime : newest), lambda.Runtime.NODEJS_22_X);
}
