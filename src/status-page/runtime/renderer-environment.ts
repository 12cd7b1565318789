/**
 * Wires the renderer to its Lambda environment: reads the config and template files once per
 * cold start, creates the AWS SDK clients lazily (with connection and request timeouts), and
 * binds readSnapshot and a cached Secrets Manager secret into createRenderer.
 *
 * Environment (see environment.ts):
 *   STATUS_TABLE_NAME        required
 *   STATUS_CONFIG_PATH       JSON StatusPageConfig (default /opt/status-page/config.json)
 *   STATUS_TEMPLATE_PATH     mustache template (default /opt/status-page/template.mustache);
 *                            a missing file means the built-in DEFAULT_TEMPLATE
 *   STATUS_AUTH_SECRET_ARN   unset = public page (an explicit choice made in the construct);
 *                            set = every request must carry the secret (the whole SecretString)
 *                            in STATUS_AUTH_HEADER_NAME. Set but empty, an empty secret or a
 *                            missing header name refuse every request with 503 (fail closed).
 */
import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_TEMPLATE } from './default-template';
import {
  DEFAULT_TEMPLATE_PATH,
  ENV_AUTH_HEADER_NAME,
  ENV_AUTH_SECRET_ARN,
  ENV_TABLE_NAME,
  ENV_TEMPLATE_PATH,
} from './environment';
import { errorResponse } from './http-responses';
import { loadStatusPageConfig } from './load-config';
import { createRenderer, ProxyAuthSettings, Renderer } from './page-renderer';
import { ApiGatewayProxyEvent, ApiGatewayProxyResult } from './proxy-event';
import { readSnapshot } from './read-snapshot';
import { CachedSecret } from './secret-source';
import { AwsClientOptions, awsClientConfig, createDocumentClient } from '../../shared/runtime/aws-clients';
import { Log, createLogger } from '../../shared/runtime/logger';

/** Every AWS call gives up quickly: API Gateway waits at most 29 s and a person less. */
export const RENDERER_CLIENT_OPTIONS: AwsClientOptions = { requestTimeoutMs: 5_000, maxAttempts: 2 };

export type Environment = Record<string, string | undefined>;

/** Builds the renderer from environment variables and files. Throws when required settings are missing. */
export function createRendererFromEnvironment(env: Environment, log: Log): Renderer {
  const tableName = env[ENV_TABLE_NAME];
  if (!tableName) throw new Error(`${ENV_TABLE_NAME} is not set`);
  const config = loadStatusPageConfig(env);
  const template = readTemplate(env[ENV_TEMPLATE_PATH] || DEFAULT_TEMPLATE_PATH);

  let doc: DynamoDBDocumentClient | undefined;
  const documentClient = () => (doc ??= createDocumentClient(RENDERER_CLIENT_OPTIONS));

  const secretArn = env[ENV_AUTH_SECRET_ARN];
  let auth: ProxyAuthSettings | undefined;
  if (secretArn !== undefined) {
    let sm: SecretsManagerClient | undefined;
    const fetchSecret = async (): Promise<string> => {
      if (!secretArn) return '';
      sm ??= new SecretsManagerClient(awsClientConfig(RENDERER_CLIENT_OPTIONS));
      const out = await sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
      return out.SecretString ?? '';
    };
    auth = { headerName: env[ENV_AUTH_HEADER_NAME] ?? '', secret: new CachedSecret(fetchSecret) };
  }

  return createRenderer({
    config,
    template,
    readSnapshot: (now) => readSnapshot(documentClient(), tableName, config, now),
    auth,
    log,
  });
}

/**
 * The Lambda handler: builds the renderer on first use (once per cold start) and retries the
 * build on the next request if it failed, answering 503 without data meanwhile.
 */
export function createLambdaHandler(env: Environment, log: Log = createLogger('status-page-renderer')) {
  let renderer: Renderer | undefined;
  return async (event: ApiGatewayProxyEvent): Promise<ApiGatewayProxyResult> => {
    if (!renderer) {
      try {
        renderer = createRendererFromEnvironment(env, log);
      } catch (e) {
        log.error('the renderer is not configured', { errorMessage: e instanceof Error ? e.message : String(e) });
        return errorResponse('not-configured', 'html');
      }
    }
    return renderer(event);
  };
}

function readTemplate(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_TEMPLATE;
    throw e;
  }
}
