import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { StatusPageStack } from '../../examples/typescript/status-page/app';
import { MediaPipelineStack } from '../../examples/typescript/stream-engine-pipeline/app';

// cdk-nag's AwsSolutions pack over the example apps exactly as users copy them (the same stack
// classes `npm run synth:examples` synthesizes): no finding without an acknowledgment.
function findings(make: (app: App) => Stack): string[] {
  const app = new App();
  const stack = make(app);
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map((m) => `${m.id}: ${String(m.entry.data).slice(0, 160)}`);
}

test('the StatusPage example passes cdk-nag AwsSolutions', () => {
  expect(findings((app) => new StatusPageStack(app, 'StatusPageExample'))).toEqual([]);
});

test('the StreamEnginePipeline example passes cdk-nag AwsSolutions', () => {
  expect(findings((app) => {
    const stack = new MediaPipelineStack(app, 'StreamEnginePipelineExample');
    // The example's VPC stands in for the team's own network, whose flow logs are the team's
    // choice; everything the pipeline itself creates is checked.
    NagSuppressions.addResourceSuppressionsByPath(stack, '/StreamEnginePipelineExample/Vpc/Resource', [{
      id: 'AwsSolutions-VPC7',
      reason: 'The example VPC stands in for the team\'s own network; flow logs for it are configured where that network is owned.',
    }]);
    return stack;
  })).toEqual([]);
});
