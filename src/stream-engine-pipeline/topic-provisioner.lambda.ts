// Entry point of the topic-provisioner Lambda (bundled by esbuild into assets/). Logic lives in
// runtime/topic-provisioner.ts. A CloudFormation custom resource: it always answers the stack.
import { CfnCustomResourceEvent, CfnResponse } from './runtime/cfn-response';
import { kafkaClientOptions, kafkaSettingsFromEnv, loadKafka } from './runtime/kafka-connection';
import { platformaticTopicAdmin } from './runtime/kafka-topic-admin';
import { handleTopicProvisionerEvent } from './runtime/topic-provisioner';
import { createLogger } from '../shared/runtime/logger';

const log = createLogger('stream-engine-pipeline-topic-provisioner');

export async function handler(event: CfnCustomResourceEvent, context?: { getRemainingTimeInMillis?: () => number }): Promise<CfnResponse> {
  return handleTopicProvisionerEvent(event, {
    // Settings errors (e.g. no brokers) surface here and become a FAILED answer.
    openAdmin: async () => {
      const { Admin } = loadKafka();
      return platformaticTopicAdmin(new Admin(await kafkaClientOptions(kafkaSettingsFromEnv(), 'topic-provisioner')));
    },
    remainingTimeMs: typeof context?.getRemainingTimeInMillis === 'function' ? () => context.getRemainingTimeInMillis!() : undefined,
    log,
  });
}
