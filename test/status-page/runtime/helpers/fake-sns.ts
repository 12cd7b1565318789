import { LocalServer, startHttpServer } from './local-servers';

/**
 * SNS has no local implementation, so this HTTP server stands in for the SNS endpoint: it speaks
 * the AWS Query protocol the real SNS client uses (form-encoded request, XML response) for
 * PublishBatch, and records what it received.
 */
export interface FakeSns {
  readonly server: LocalServer;
  /** Every request's form fields. */
  readonly requests: Array<Record<string, string>>;
  /** Make the next requests fail with HTTP 500. */
  failing: boolean;
}

export async function startFakeSns(): Promise<FakeSns> {
  const fake: { server?: LocalServer; requests: Array<Record<string, string>>; failing: boolean } = { requests: [], failing: false };
  fake.server = await startHttpServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = Object.fromEntries(new URLSearchParams(body));
    fake.requests.push(form);
    if (fake.failing) {
      res.writeHead(500, { 'content-type': 'text/xml' }).end(
        '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>boom</Message></Error><RequestId>r</RequestId></ErrorResponse>',
      );
      return;
    }
    const ids = Object.keys(form).filter((k) => /^PublishBatchRequestEntries\.member\.\d+\.Id$/.test(k)).map((k) => form[k]);
    const members = ids.map((id) => `<member><Id>${id}</Id><MessageId>m-${id}</MessageId></member>`).join('');
    res.writeHead(200, { 'content-type': 'text/xml' }).end(
      '<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult>'
      + `<Successful>${members}</Successful><Failed></Failed></PublishBatchResult>`
      + '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></PublishBatchResponse>',
    );
  });
  return fake as FakeSns;
}

/** The messages of one recorded PublishBatch request, parsed. */
export function publishedMessages(form: Record<string, string>): unknown[] {
  return Object.keys(form)
    .filter((k) => /^PublishBatchRequestEntries\.member\.\d+\.Message$/.test(k))
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
    .map((k) => JSON.parse(form[k]));
}
