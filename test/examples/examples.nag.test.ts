import { App, Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import { StatusPageStack } from '../../examples/typescript/status-page/status-page-stack';
import { MediaPipelineStack } from '../../examples/typescript/stream-engine-pipeline/media-pipeline-stack';
import { unacknowledgedNagFindings } from '../helpers/nag';

// cdk-nag's AwsSolutions pack over the example apps exactly as users copy them (the same stack
// classes `npm run synth:examples` synthesizes): no finding without an acknowledgment.
function findings(make: (app: App) => Stack): string[] {
  const app = new App();
  return unacknowledgedNagFindings(app, make(app));
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
