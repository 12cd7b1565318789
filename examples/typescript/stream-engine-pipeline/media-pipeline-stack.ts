// The example's stack: a StreamEnginePipeline on MSK Serverless with one stream engine and three
// object engines (Fargate Spot, Fargate and GPU instances).
import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { EngineCapacity, KafkaBus, StreamEnginePipeline } from 'cdk-status-and-streams';
import { Construct } from 'constructs';

export class MediaPipelineStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });

    const pipeline = new StreamEnginePipeline(this, 'Media', {
      vpc,
      bus: KafkaBus.serverless(),
      pipelineName: 'media',
      objectsTopic: { partitions: 24 },
      maxConcurrentStreams: 50,
    });

    // One task per incoming stream: live transcription of the whole stream, in order.
    pipeline.addStreamEngine('transcriber', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/transcriber:1.4'),
      cpu: 2048,
      memoryLimitMiB: 4096,
    });

    // Frames and chunks in parallel, scaled from zero by consumer lag.
    pipeline.addObjectEngine('faces', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/face-detector:2.0'),
      capacity: EngineCapacity.fargateSpot(),
      scaling: { lagPerTask: 50, maxTasks: 24, scaleInCooldown: Duration.minutes(3) },
    });
    pipeline.addObjectEngine('labels', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/labeler:3.1'),
      scaling: { lagPerTask: 200, maxTasks: 6 },
    });

    // A model that needs a GPU: EC2 GPU instances that ECS starts and stops with the engine's tasks.
    pipeline.addObjectEngine('scenes', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/scene-classifier:1.0'),
      cpu: 4096,
      memoryLimitMiB: 15000,
      capacity: EngineCapacity.gpu({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.G5, ec2.InstanceSize.XLARGE), maxInstances: 2 }),
      scaling: { lagPerTask: 100, maxTasks: 2 },
    });

    new CfnOutput(this, 'BootstrapBrokers', { value: pipeline.bootstrapBrokers });
    new CfnOutput(this, 'ControlTopic', { value: pipeline.controlTopic.topicName });
    new CfnOutput(this, 'Dashboard', { value: pipeline.dashboard.dashboardName });
  }
}
