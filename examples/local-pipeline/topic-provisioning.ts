// Creates the pipeline's topics as a deploy does: CloudFormation's Create of the Custom::KafkaTopics
// resource goes to the bundled topic provisioner, which answers by a PUT to the event's
// ResponseURL; here that URL is a local HTTP server, and a FAILED answer stops the local run.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { LocalLambda } from './local-lambda';
import { withTimeout } from '../../src/shared/runtime/timers';
import type { CfnCustomResourceEvent, CfnResponse } from '../../src/stream-engine-pipeline/runtime/cfn-response';

/** Sends the Create event and waits for the provisioner's answer on the response URL. */
export async function provisionTopics(provisioner: LocalLambda, resourceProperties: Record<string, unknown>): Promise<void> {
  let answered: (response: CfnResponse) => void;
  const answer = new Promise<CfnResponse>((resolve) => (answered = resolve));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200).end();
      if (req.method === 'PUT') answered(JSON.parse(Buffer.concat(chunks).toString()) as CfnResponse);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const event: CfnCustomResourceEvent = {
      RequestType: 'Create',
      ResponseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/topics`,
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/LocalPipeline/local',
      RequestId: 'local-create',
      LogicalResourceId: 'PipelineTopics',
      ResourceType: 'Custom::KafkaTopics',
      ResourceProperties: resourceProperties,
    };
    // the handler answers before it returns; what CloudFormation reads is that PUT, not its result
    await provisioner.invoke(event);
    const response = await withTimeout(answer, 5_000, 'the topic provisioner\'s answer on the response URL');
    if (response.Status !== 'SUCCESS') throw new Error(`the topic provisioner answered ${response.Status}: ${response.Reason}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
