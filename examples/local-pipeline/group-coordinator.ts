// A broker that just started answers its first group requests with "coordinator not available"
// while it creates the consumer offsets topic, and the Kafka client gives up after a few tries.
// The local run waits for the group coordinator once, before any consumer joins a group.
import { sleep } from '../../src/shared/runtime/timers';
import { loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';

const READY_WITHIN_MS = 60_000;
const RETRY_EVERY_MS = 1_000;

/** Resolves once the broker serves consumer groups (a DescribeGroups of `group` succeeds). */
export async function waitForGroupCoordinator(bootstrap: string, group: string): Promise<void> {
  const kafka = loadKafka();
  const admin = new kafka.Admin({ clientId: 'local-pipeline-readiness', bootstrapBrokers: [bootstrap] });
  const deadline = Date.now() + READY_WITHIN_MS;
  try {
    for (;;) {
      try {
        await admin.describeGroups({ groups: [group] });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`the broker at ${bootstrap} serves no consumer groups after ${READY_WITHIN_MS / 1000} s: ${(error as Error).message}`);
        await sleep(RETRY_EVERY_MS);
      }
    }
  } finally {
    await admin.close().catch(() => undefined);
  }
}
