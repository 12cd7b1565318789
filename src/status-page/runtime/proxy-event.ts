/**
 * The parts of an API Gateway REST API Lambda PROXY integration event (payload format 1.0)
 * and its result that the renderer uses. Declared here so the runtime needs no type package.
 */
export interface ApiGatewayProxyEvent {
  readonly httpMethod: string;
  /** The request path; may carry a custom-domain base path ("/status/status.json"). */
  readonly path: string;
  /** The API Gateway resource that matched ("/", "/{proxy+}", "/status.json", …). */
  readonly resource?: string;
  readonly pathParameters?: Record<string, string | undefined> | null;
  /** Last value of each header, keys as sent by the client (any case). */
  readonly headers?: Record<string, string | undefined> | null;
  /** Every value of each header, keys as sent by the client (any case). */
  readonly multiValueHeaders?: Record<string, string[] | undefined> | null;
  /** Last value of each query string parameter (status.json's `page`). */
  readonly queryStringParameters?: Record<string, string | undefined> | null;
  readonly requestContext?: { readonly requestId?: string; readonly stage?: string };
}

export interface ApiGatewayProxyResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
}
