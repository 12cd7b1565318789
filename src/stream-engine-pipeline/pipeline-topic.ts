import { Duration, Token } from 'aws-cdk-lib';
import { describe, invalidProp, requireDuration, requireInteger } from '../private/validation';
import { TopicSpec } from './runtime/pipeline-config';

/** Options of one Kafka topic of the pipeline. */
export interface PipelineTopicOptions {
  /**
   * Partitions: the most consumers of one group that can work at once. Can be raised later,
   * never lowered.
   * @default - 3 for the control and dead-letter topics, 12 for the others
   */
  readonly partitions?: number;

  /**
   * Copies of each partition. MSK Serverless always keeps 3.
   * @default 3
   */
  readonly replicationFactor?: number;

  /**
   * How long messages are kept.
   * @default Duration.days(7)
   */
  readonly retention?: Duration;

  /**
   * Other Kafka topic configs, e.g. `{ 'max.message.bytes': '8388608' }`.
   * @default - none
   */
  readonly config?: { [key: string]: string };
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const CONFIG_KEY = /^[a-z][a-z0-9.]*$/;

/** A Kafka topic of the pipeline. Engines name their inputs and outputs with these. */
export class PipelineTopic {
  /** @internal topics are created by StreamEnginePipeline.addTopic() */
  public static _create(owner: string, topicName: string, options: PipelineTopicOptions, defaultPartitions: number): PipelineTopic {
    return new PipelineTopic(owner, topicName, options, defaultPartitions);
  }

  /** The topic's name in Kafka. */
  public readonly topicName: string;
  /** Its partitions. */
  public readonly partitions: number;
  /** Its replication factor. */
  public readonly replicationFactor: number;
  private readonly config: Record<string, string>;
  /** @internal the pipeline that owns the topic (construct path) */
  public readonly _owner: string;

  private constructor(owner: string, topicName: string, options: PipelineTopicOptions, defaultPartitions: number) {
    const where = `topic '${topicName}'`;
    if (Token.isUnresolved(topicName) || !TOPIC_NAME.test(topicName) || topicName === '.' || topicName === '..') {
      invalidProp(where, 'name', `must be 1 to 249 letters, digits, '.', '_' or '-' (Kafka's rule), and not '.' or '..'; got ${describe(topicName)}`);
    }
    requireInteger(where, 'partitions', options.partitions, 1, 10_000);
    requireInteger(where, 'replicationFactor', options.replicationFactor, 1, 10);
    requireDuration(where, 'retention', options.retention, 60_000, 3650 * 86_400_000);
    for (const [key, value] of Object.entries(options.config ?? {})) {
      if (!CONFIG_KEY.test(key)) {
        invalidProp(where, `config[${describe(key)}]`, 'must be a Kafka topic config name such as \'cleanup.policy\'');
      }
      if (key === 'retention.ms' && options.retention) {
        invalidProp(where, 'config["retention.ms"]', 'conflicts with retention: set one of them');
      }
      if (typeof value !== 'string') {
        invalidProp(where, `config[${describe(key)}]`, `must be a string; got ${describe(value)}`);
      }
    }
    this._owner = owner;
    this.topicName = topicName;
    this.partitions = options.partitions ?? defaultPartitions;
    this.replicationFactor = options.replicationFactor ?? 3;
    this.config = {
      'retention.ms': String((options.retention ?? Duration.days(7)).toMilliseconds()),
      ...(options.config ?? {}),
    };
  }

  /** @internal what the topic provisioner or AWS::MSK::Topic creates */
  public _spec(): TopicSpec {
    return { name: this.topicName, partitions: this.partitions, replicationFactor: this.replicationFactor, config: { ...this.config } };
  }
}
