// Entry point of the checker Lambda (bundled by esbuild into assets/). Logic lives in runtime/.
// The AWS SDK is bundled into the asset by esbuild: devDependencies on purpose.
import { SNSClient } from '@aws-sdk/client-sns';
import { ENV_METRIC_DIMENSION, ENV_TABLE_NAME, ENV_TOPIC_ARN } from './runtime/environment';
import { loadStatusPageConfig } from './runtime/load-config';
import { StatusPageConfig } from './runtime/model';
import { ChangePublisher, runChecks, snsPublisher } from './runtime/run-checks';
import { awsClientConfig, createDocumentClient } from '../shared/runtime/aws-clients';
import { DocumentSender } from '../shared/runtime/dynamo-batch';
import { createLogger } from '../shared/runtime/logger';

interface ColdStart {
  readonly config: StatusPageConfig;
  readonly tableName: string;
  readonly doc: DocumentSender;
  readonly publisher?: ChangePublisher;
}

const log = createLogger('status-page-checker');
let cold: ColdStart | undefined;

function init(): ColdStart {
  if (cold) return cold;
  const tableName = process.env[ENV_TABLE_NAME];
  if (!tableName) throw new Error(`${ENV_TABLE_NAME} is not set`);
  const config = loadStatusPageConfig(process.env);
  const topicArn = process.env[ENV_TOPIC_ARN];
  let publisher: ChangePublisher | undefined;
  if (topicArn) {
    let sns: SNSClient | undefined;
    publisher = {
      // The SNS client is created on the first change only.
      publish: (events) => {
        sns ??= new SNSClient(awsClientConfig());
        return snsPublisher(sns, topicArn, log).publish(events);
      },
    };
  }
  cold = { config, tableName, doc: createDocumentClient(), publisher };
  return cold;
}

/** Invoked by the EventBridge schedule; the event carries nothing we need. */
export async function handler(): Promise<{ checks: number; down: number; changes: number }> {
  const { config, tableName, doc, publisher } = init();
  const summary = await runChecks({
    doc,
    tableName,
    config,
    publisher,
    log,
    metricDimension: process.env[ENV_METRIC_DIMENSION] || undefined,
  });
  return { checks: summary.checks, down: summary.checksDown, changes: summary.store.changes.length };
}
