/**
 * CloudFormation custom resources backed by a Lambda function (no provider framework): the
 * event, and the answer the function must PUT to the pre-signed ResponseURL. A stack waits
 * (up to an hour) for that answer, so it is sent with a timeout and a few retries, always.
 *
 * Why not aws-cdk-lib's custom-resources.Provider (weighed for issue 8):
 * - Deployed stacks could not move to it: CloudFormation refuses to change a custom resource's
 *   ServiceToken ("Modifying service token is not allowed"), so the Custom::KafkaTopics resource
 *   would need a new logical id, and the old one's Delete would reach a handler that no longer
 *   answers its ResponseURL: the stack would wait an hour and fail.
 * - It adds a framework Lambda per pipeline whose runtime aws-cdk-lib picks (templates change
 *   with each aws-cdk-lib upgrade) and, unless given our role and log group, a role with the
 *   managed AWSLambdaBasicExecutionRole (cdk-nag IAM4) and a log group without our retention.
 * - What it would add is here already: the answer is sent with a timeout and retries, and the
 *   handler answers FAILED before its own timeout (topic-provisioner.ts, remainingTimeMs).
 * The price: the provisioner runs in the pipeline's VPC and must reach S3 for the ResponseURL,
 * which the pipeline's private subnets with egress (its default) give it; with isolated subnets
 * add an S3 gateway endpoint.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface CfnCustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly ServiceToken?: string;
  /** Update and Delete only. */
  readonly PhysicalResourceId?: string;
  /** Every value CloudFormation passes is a string (numbers and booleans included). */
  readonly ResourceProperties: Record<string, unknown>;
  /** Update only. */
  readonly OldResourceProperties?: Record<string, unknown>;
}

export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, string>;
}

/** CloudFormation rejects responses over 4096 bytes; the reason is the part that can grow. */
const MAX_REASON_CHARS = 1_500;

export function cfnResponse(event: CfnCustomResourceEvent, status: 'SUCCESS' | 'FAILED', reason: string,
  physicalResourceId: string, data?: Record<string, string>): CfnResponse {
  return {
    Status: status,
    Reason: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 3)}...` : reason,
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(data ? { Data: data } : {}),
  };
}

export interface SendOptions {
  /** Per attempt (default 10 s). */
  readonly timeoutMs?: number;
  /** Default 3. */
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * PUTs the response to the pre-signed URL (https; http only for local tests). Retries network
 * errors and 5xx answers; rejects after the last attempt.
 */
export async function sendCfnResponse(url: string, response: CfnResponse, options: SendOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const body = Buffer.from(JSON.stringify(response));
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const status = await put(url, body, options.timeoutMs ?? 10_000);
      if (status >= 200 && status < 300) return;
      lastError = new Error(`the CloudFormation response URL answered HTTP ${status}`);
      if (status < 500) break; // a 4xx (expired or tampered URL) will not get better
    } catch (error) {
      lastError = error as Error;
    }
    if (attempt < attempts) await sleep(500 * attempt);
  }
  throw new Error(`could not send the CloudFormation response: ${lastError?.message}`);
}

function put(url: string, body: Buffer, timeoutMs: number): Promise<number> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
  if (!transport) return Promise.reject(new Error(`unsupported response URL protocol ${target.protocol}`));
  return new Promise((resolve, reject) => {
    const request = transport.request(target, {
      method: 'PUT',
      // The pre-signed S3 URL is signed for an empty content type.
      headers: { 'content-type': '', 'content-length': body.length },
      timeout: timeoutMs,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`PUT to the response URL timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
