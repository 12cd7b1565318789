// The consumer app of scripts/consumer/consumer-test.sh. It is copied into a fresh npm project
// outside the repository and compiled there against the packed tarball: it may import only
// 'cdk-status-and-streams', 'aws-cdk-lib', 'constructs' and 'cdk-nag', exactly as a user's app
// that checks its stacks with cdk-nag does.
import { App, Aspects, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import {
  EngineCapacity,
  HealthCheck,
  KafkaBus,
  PageAuth,
  StatusPage,
  StreamEnginePipeline,
} from 'cdk-status-and-streams';

const app = new App();

const statusStack = new Stack(app, 'ConsumerStatusPage');
const page = new StatusPage(statusStack, 'Status', {
  title: 'Consumer test status',
  checks: [
    HealthCheck.http('website', { url: 'https://www.example.com/', bodyContains: 'Example' }),
    HealthCheck.tcp('postgres', { host: 'db.example.com', port: 5432, degradedAfter: Duration.seconds(1) }),
  ],
  auth: PageAuth.proxyHeader(),
});
new CfnOutput(statusStack, 'Url', { value: page.url });

const pipelineStack = new Stack(app, 'ConsumerPipeline');
const vpc = new ec2.Vpc(pipelineStack, 'Vpc', { maxAzs: 2, natGateways: 1 });
const pipeline = new StreamEnginePipeline(pipelineStack, 'Media', {
  vpc,
  bus: KafkaBus.serverless(),
  pipelineName: 'consumer',
});
pipeline.addStreamEngine('transcriber', {
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/transcriber:1.0'),
  cpu: 1024,
  memoryLimitMiB: 2048,
});
pipeline.addObjectEngine('faces', {
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/face-detector:1.0'),
  capacity: EngineCapacity.fargateSpot(),
  scaling: { lagPerTask: 50, maxTasks: 4 },
});
pipeline.addObjectEngine('vision', {
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/vision:1.0'),
  cpu: 4096,
  memoryLimitMiB: 15000,
  capacity: EngineCapacity.gpu({ instanceType: new ec2.InstanceType('g5.xlarge'), maxInstances: 2 }),
});
new CfnOutput(pipelineStack, 'Brokers', { value: pipeline.bootstrapBrokers });
// The VPC stands in for the user's own network, whose flow logs are the user's choice.
NagSuppressions.addResourceSuppressions(vpc, [{
  id: 'AwsSolutions-VPC7',
  reason: 'The VPC stands in for the user\'s own network; its flow logs are configured where that network is owned.',
}]);

// cdk-nag's AwsSolutions pack; scripts/consumer/check-nag.js fails on any finding it reports.
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));

app.synth();
