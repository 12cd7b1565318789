// Entry point of the checker Lambda (bundled by esbuild into assets/). Logic lives in runtime/.
import { readFileSync } from 'node:fs';
// The AWS SDK is bundled into the asset by esbuild: devDependencies on purpose.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  DEFAULT_CONFIG_PATH, ENV_CONFIG_PATH, ENV_METRIC_DIMENSION, ENV_TABLE_NAME, ENV_TOPIC_ARN,
} from './runtime/environment';
import { StatusPageConfig } from './runtime/model';
import { ChangePublisher, runChecks, snsPublisher } from './runtime/run-checks';

interface ColdStart {
  readonly config: StatusPageConfig;
  readonly tableName: string;
  readonly ddb: DynamoDBClient;
  readonly publisher?: ChangePublisher;
}

let cold: ColdStart | undefined;

/** Every AWS call has a connection and a request timeout (and the SDK's bounded retries). */
function httpHandler(): NodeHttpHandler {
  return new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000 });
}

function init(): ColdStart {
  if (cold) return cold;
  const tableName = process.env[ENV_TABLE_NAME];
  if (!tableName) throw new Error(`${ENV_TABLE_NAME} is not set`);
  const configPath = process.env[ENV_CONFIG_PATH] || DEFAULT_CONFIG_PATH;
  let config: StatusPageConfig;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as StatusPageConfig;
  } catch (error) {
    throw new Error(`cannot read the status page config at ${configPath}: ${(error as Error).message}`);
  }
  if (!Array.isArray(config.checks)) throw new Error(`the status page config at ${configPath} has no checks array`);
  const ddb = new DynamoDBClient({ requestHandler: httpHandler(), maxAttempts: 3 });
  const topicArn = process.env[ENV_TOPIC_ARN];
  let publisher: ChangePublisher | undefined;
  if (topicArn) {
    let sns: SNSClient | undefined;
    publisher = {
      // The SNS client is created on the first change only.
      publish: (events) => {
        sns ??= new SNSClient({ requestHandler: httpHandler(), maxAttempts: 3 });
        return snsPublisher(sns, topicArn).publish(events);
      },
    };
  }
  cold = { config, tableName, ddb, publisher };
  return cold;
}

/** Invoked by the EventBridge schedule; the event carries nothing we need. */
export async function handler(): Promise<{ checks: number; down: number; changes: number }> {
  const { config, tableName, ddb, publisher } = init();
  const summary = await runChecks({
    ddb,
    tableName,
    config,
    publisher,
    metricDimension: process.env[ENV_METRIC_DIMENSION] || undefined,
  });
  return { checks: summary.checks, down: summary.checksDown, changes: summary.store.changes.length };
}
