import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../private/nag';
import { describe, invalidProp } from '../private/validation';

/** Options for `PageAuth.proxyHeader()`. */
export interface ProxyHeaderAuthOptions {
  /**
   * The request header your reverse proxy adds. Header names are matched case-insensitively.
   * @default 'x-status-page-auth'
   */
  readonly headerName?: string;

  /**
   * The Secrets Manager secret whose `SecretString` the header must carry. The renderer reads it
   * at run time (cached for 5 minutes, so a rotation is picked up); its value never appears in
   * the template, the environment or the logs.
   * @default - a new secret with a random 48-character value
   */
  readonly secret?: secretsmanager.ISecret;
}

/** What the construct wires into the renderer for a given PageAuth. */
export interface PageAuthBinding {
  /**
   * The header name, lowercase.
   * @default - none: the page is public (PageAuth.none())
   */
  readonly headerName?: string;
  /**
   * The secret to compare against.
   * @default - none: the page is public (PageAuth.none())
   */
  readonly secret?: secretsmanager.ISecret;
}

const DEFAULT_HEADER_NAME = 'x-status-page-auth';
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Headers API Gateway or HTTP itself owns: a proxy cannot carry a secret in them reliably. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'authorization', 'x-amzn-trace-id', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port', 'via']);

/**
 * Who may see the status page. Choose one with the static factories.
 */
export abstract class PageAuth {
  /**
   * Serve the page only when a header set by your reverse proxy carries a shared secret
   * (compared in constant time), so visitors cannot bypass the proxy. The default.
   * @param options the header name and the secret
   */
  public static proxyHeader(options: ProxyHeaderAuthOptions = {}): PageAuth {
    const headerName = options.headerName ?? DEFAULT_HEADER_NAME;
    if (!HEADER_NAME_PATTERN.test(headerName)) {
      invalidProp('PageAuth.proxyHeader()', 'headerName', `must be an HTTP header name of 1 to 100 letters, digits or !#$%&'*+.^_\`|~-; got ${describe(headerName)}`);
    }
    if (RESERVED_HEADERS.has(headerName.toLowerCase())) {
      invalidProp('PageAuth.proxyHeader()', 'headerName', `must not be a header that HTTP or API Gateway manages (${[...RESERVED_HEADERS].join(', ')}); got ${describe(headerName)}`);
    }
    return new ProxyHeaderAuth(headerName.toLowerCase(), options.secret);
  }

  /**
   * Serve the page to anyone who can reach the API. An explicit choice: never the default.
   */
  public static none(): PageAuth {
    return new PublicAuth();
  }

  /**
   * Creates what this auth mode needs (a generated secret, for instance) under `scope`.
   */
  public abstract bind(scope: Construct): PageAuthBinding;
}

class ProxyHeaderAuth extends PageAuth {
  constructor(private readonly headerName: string, private readonly secret?: secretsmanager.ISecret) {
    super();
  }

  public bind(scope: Construct): PageAuthBinding {
    if (this.secret) {
      return { headerName: this.headerName, secret: this.secret };
    }
    const secret = new secretsmanager.Secret(scope, 'ProxyHeaderSecret', {
      description: `Shared secret that the reverse proxy sends in the '${this.headerName}' header to the status page`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    acknowledge(secret, [{
      id: 'AwsSolutions-SMG4',
      reason: 'The value is shared with the team\'s reverse proxy, which must change in the same step, so rotation cannot be automatic; after a manual rotation the renderer picks up the new value within 5 minutes.',
    }]);
    return { headerName: this.headerName, secret };
  }
}

class PublicAuth extends PageAuth {
  public bind(_scope: Construct): PageAuthBinding {
    return {};
  }
}
