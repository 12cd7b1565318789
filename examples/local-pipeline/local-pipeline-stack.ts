// The pipeline the local run deploys: a StreamEnginePipeline on your own brokers (the local one),
// with one stream engine and one object engine. The local run synthesizes this stack and runs
// what the construct produced (its Lambdas' bundles and environment, its task definitions'
// environment, its topics), so changing a prop here changes the local pipeline as it would change
// a deployed one. The values are small so that the whole design shows within a minute or two.
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { KafkaBus, KafkaClientAuth, StreamEnginePipeline } from '../../src';

export interface LocalPipelineStackProps extends StackProps {
  readonly pipelineName: string;
  /** The local broker (host:port). */
  readonly bootstrapBrokers: string;
}

/** The stream engine: one task (a local process) per stream. */
export const STREAM_ENGINE = 'fingerprint';
/** The object engine: a service (local processes) scaled from zero by its consumer lag. */
export const OBJECT_ENGINE = 'detector';

/** One copy of each partition: the local broker is a single node. */
const SINGLE_NODE = { replicationFactor: 1 };

export class LocalPipelineStack extends Stack {
  readonly pipeline: StreamEnginePipeline;

  constructor(scope: Construct, id: string, props: LocalPipelineStackProps) {
    super(scope, id, props);
    this.pipeline = new StreamEnginePipeline(this, 'Pipeline', {
      vpc: new ec2.Vpc(this, 'Vpc', { maxAzs: 2 }),
      pipelineName: props.pipelineName,
      // The construct offers IAM, SCRAM and TLS; the local run connects in plaintext (KAFKA_AUTH_MODE=plaintext).
      bus: KafkaBus.fromBootstrapBrokers({ bootstrapBrokers: props.bootstrapBrokers, auth: KafkaClientAuth.TLS }),
      controlTopic: SINGLE_NODE,
      rawStreamsTopic: SINGLE_NODE,
      objectsTopic: SINGLE_NODE,
      resultsTopic: SINGLE_NODE,
      deadLetterTopic: SINGLE_NODE,
      // Two streams at once: the sample's third stream waits for a slot.
      maxConcurrentStreams: 2,
      // The shortest the construct allows: a hung engine is replaced, and a task that never
      // exits after its end-of-stream is stopped, within a minute.
      heartbeatTimeout: Duration.seconds(30),
      streamEndGrace: Duration.seconds(30),
      lagPollInterval: Duration.seconds(2),
    });
    this.pipeline.addStreamEngine(STREAM_ENGINE, {
      image: ecs.ContainerImage.fromRegistry('local/fingerprint'),
    });
    this.pipeline.addObjectEngine(OBJECT_ENGINE, {
      image: ecs.ContainerImage.fromRegistry('local/detector'),
      // The template's placeholder model "infers" for 150 ms a chunk: one task cannot keep up
      // with the sample's three streams, so the lag scaler adds tasks.
      environment: { PLACEHOLDER_MODEL_DELAY_MS: '150' },
      scaling: { lagPerTask: 20, maxTasks: 3, scaleInCooldown: Duration.seconds(10) },
    });
  }
}
