import * as lambda from 'aws-cdk-lib/aws-lambda';
import { newestNodeRuntime } from '../../src/private/newest-node-runtime';

test('on the installed aws-cdk-lib (the peer floor, 2.200.1) it is nodejs22.x, not NODEJS_LATEST (nodejs18.x there)', () => {
  expect(lambda.Runtime.NODEJS_LATEST.name).toBe('nodejs18.x');
  expect(newestNodeRuntime().name).toBe('nodejs22.x');
  expect(newestNodeRuntime().family).toBe(lambda.RuntimeFamily.NODEJS);
});

test('a newer Node.js runtime the aws-cdk-lib knows is chosen; other families and variable runtimes are not', () => {
  // What a newer aws-cdk-lib does when it adds a runtime: construct it, which registers it in Runtime.ALL.
  new lambda.Runtime('python9.99', lambda.RuntimeFamily.PYTHON);
  new lambda.Runtime('nodejs98.x', lambda.RuntimeFamily.NODEJS, { isVariable: true });
  const newer = new lambda.Runtime('nodejs30.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });
  new lambda.Runtime('nodejs26.x', lambda.RuntimeFamily.NODEJS);
  expect(newestNodeRuntime()).toBe(newer);
});
