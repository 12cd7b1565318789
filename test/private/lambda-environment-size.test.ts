import { App, Lazy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DEPLOY_TIME_VALUE_BYTES, environmentSizeBytes } from '../../src/private/lambda-environment-size';

function fnWith(environment: (stack: Stack) => Record<string, string>): lambda.Function {
  const stack = new Stack(new App(), 'S');
  return new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    environment: environment(stack),
  });
}

test('literal keys and values count their UTF-8 bytes', () => {
  expect(environmentSizeBytes(fnWith(() => ({ NAME: 'media', GREETING: 'grüß' })))).toBe(4 + 5 + 8 + 6);
});

test('values rendered at synth (Lazy) count at their rendered size', () => {
  expect(environmentSizeBytes(fnWith(() => ({ CONFIG: Lazy.string({ produce: () => 'x'.repeat(1000) }) })))).toBe(6 + 1000);
});

test('a deploy-time value counts as the documented estimate; inside Fn::Join only the unknown parts do', () => {
  expect(environmentSizeBytes(fnWith((stack) => ({ QUEUE: new sqs.Queue(stack, 'Q').queueUrl })))).toBe(5 + DEPLOY_TIME_VALUE_BYTES);
  const joined = fnWith((stack) => ({ REFS: Stack.of(stack).toJsonString({ queue: new sqs.Queue(stack, 'Q').queueArn, n: 1 }) }));
  // {"queue":"<arn>","n":1}
  expect(environmentSizeBytes(joined)).toBe(4 + '{"queue":"'.length + DEPLOY_TIME_VALUE_BYTES + '","n":1}'.length);
});
