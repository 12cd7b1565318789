import { Duration, Token } from 'aws-cdk-lib';
import { describe, invalidProp, requireDuration, requireInteger, requireNonEmptyString } from '../private/validation';
import { CheckConfig } from './runtime/model';

/** HTTP methods a health check may use: both are safe and send no body. */
export enum HttpCheckMethod {
  /** GET: needed when `bodyContains` is set. */
  GET = 'GET',
  /** HEAD: cheapest for the target; no body to inspect. */
  HEAD = 'HEAD',
}

/** Options every kind of check shares. */
export interface CommonCheckOptions {
  /**
   * The name shown on the page.
   * @default - the check's name
   */
  readonly displayName?: string;

  /**
   * Checks with the same group are shown together under this heading.
   * @default - no group: listed under the page's main section
   */
  readonly group?: string;

  /**
   * How long one probe may take in total (DNS, connect, TLS, response) before it fails.
   * Must be shorter than the page's check interval.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;

  /**
   * A probe that succeeds but takes longer than this marks the check `degraded`.
   * @default - latency never degrades a check
   */
  readonly degradedAfter?: Duration;

  /**
   * The name this check had before you renamed it. Its history (uptime, day bars, latency,
   * status changes) moves to the new name on the first checker run after the deploy; without it
   * a renamed check starts with no history. Harmless to keep afterwards.
   * @default - the check was not renamed
   */
  readonly renamedFrom?: string;
}

/** Options for `HealthCheck.http()`. */
export interface HttpCheckOptions extends CommonCheckOptions {
  /** The absolute `http://` or `https://` URL to request. */
  readonly url: string;

  /**
   * The request method.
   * @default HttpCheckMethod.GET
   */
  readonly method?: HttpCheckMethod;

  /**
   * Status codes that count as up. Redirects are not followed, so list 3xx codes here if a
   * redirect is the healthy answer.
   * @default - any 2xx code (200 to 299)
   */
  readonly expectedStatusCodes?: number[];

  /**
   * Text the response body must contain (searched in the first 1 MiB). Needs method GET.
   * @default - the body is not inspected
   */
  readonly bodyContains?: string;

  /**
   * For `https://` URLs: a certificate that expires within this period marks the check
   * `degraded`, so it is renewed before it breaks the service.
   * @default Duration.days(14)
   */
  readonly certificateExpiryWarning?: Duration;

  /**
   * Extra request headers. They are stored in the checker's configuration file in plain text:
   * never put credentials here.
   * @default - no extra headers
   */
  readonly headers?: { [name: string]: string };

  /**
   * PEM-encoded CA certificates to trust in addition to the public CAs, for services whose
   * certificates come from a private CA.
   * @default - only the public CAs that Node.js trusts
   */
  readonly trustedCaCertificatesPem?: string;
}

/** Options for `HealthCheck.tcp()`. */
export interface TcpCheckOptions extends CommonCheckOptions {
  /** The host name or IP address to connect to. */
  readonly host: string;
  /** The TCP port, 1 to 65535. */
  readonly port: number;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HOST_PATTERN = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.?$|^\[?[0-9A-Fa-f:.]+\]?$/;
const DEFAULT_TIMEOUT = Duration.seconds(10);
const DEFAULT_CERT_WARNING = Duration.days(14);
const MAX_TIMEOUT_MS = 5 * 60_000;

/**
 * One service the status page probes. Create checks with the static factories.
 *
 * @example
 * import { HealthCheck } from 'cdk-status-and-streams';
 *
 * HealthCheck.http('orders-api', { url: 'https://orders.example.com/health', bodyContains: 'ok' });
 * HealthCheck.tcp('postgres', { host: 'db.internal', port: 5432 });
 */
export class HealthCheck {
  /**
   * Probe an HTTP(S) endpoint: up when it answers an expected status code in time.
   * @param name unique within the page; 1 to 64 letters, digits, `.`, `_` or `-` (it appears in badge URLs)
   */
  public static http(name: string, options: HttpCheckOptions): HealthCheck {
    const where = `HealthCheck.http('${name}')`;
    validateName(where, name);
    validateCommon(where, name, options);
    const url = parseUrl(where, options.url);
    const method = options.method ?? HttpCheckMethod.GET;
    if (options.bodyContains !== undefined) {
      requireNonEmptyString(where, 'bodyContains', options.bodyContains, 1024);
      if (method !== HttpCheckMethod.GET) {
        invalidProp(where, 'bodyContains', 'needs method HttpCheckMethod.GET (a HEAD response has no body)');
      }
    }
    const codes = options.expectedStatusCodes;
    if (codes !== undefined) {
      if (codes.length === 0) invalidProp(where, 'expectedStatusCodes', 'must list at least one status code (100 to 599); got []');
      codes.forEach((code, i) => requireInteger(where, `expectedStatusCodes[${i}]`, code, 100, 599));
    }
    requireDuration(where, 'certificateExpiryWarning', options.certificateExpiryWarning, 86_400_000, 365 * 86_400_000);
    for (const [header, value] of Object.entries(options.headers ?? {})) {
      if (!HEADER_NAME_PATTERN.test(header)) {
        invalidProp(where, `headers[${describe(header)}]`, 'must be a valid HTTP header name (letters, digits and !#$%&\'*+.^_`|~-)');
      }
      if (/[\r\n]/.test(value)) {
        invalidProp(where, `headers[${describe(header)}]`, 'must not contain line breaks');
      }
    }
    if (options.trustedCaCertificatesPem !== undefined && !options.trustedCaCertificatesPem.includes('-----BEGIN CERTIFICATE-----')) {
      invalidProp(where, 'trustedCaCertificatesPem', 'must hold PEM certificates (-----BEGIN CERTIFICATE----- ...)');
    }
    return new HealthCheck(name, timeoutOf(options), {
      kind: 'http',
      name,
      displayName: options.displayName ?? name,
      group: options.group,
      url: url.toString(),
      method,
      expectedStatusCodes: codes ?? range(200, 299),
      bodyContains: options.bodyContains,
      degradedAfterMs: options.degradedAfter?.toMilliseconds(),
      certExpiryWarningDays: url.protocol === 'https:'
        ? (options.certificateExpiryWarning ?? DEFAULT_CERT_WARNING).toDays()
        : undefined,
      headers: options.headers,
      caCertificatesPem: options.trustedCaCertificatesPem,
      timeoutMs: timeoutOf(options).toMilliseconds(),
      renamedFrom: options.renamedFrom,
    });
  }

  /**
   * Probe a TCP port: up when a connection opens in time.
   * @param name unique within the page; 1 to 64 letters, digits, `.`, `_` or `-` (it appears in badge URLs)
   */
  public static tcp(name: string, options: TcpCheckOptions): HealthCheck {
    const where = `HealthCheck.tcp('${name}')`;
    validateName(where, name);
    validateCommon(where, name, options);
    if (!Token.isUnresolved(options.host) && !HOST_PATTERN.test(options.host)) {
      invalidProp(where, 'host', `must be a DNS name or an IP address; got ${describe(options.host)}`);
    }
    requireInteger(where, 'port', options.port, 1, 65535);
    return new HealthCheck(name, timeoutOf(options), {
      kind: 'tcp',
      name,
      displayName: options.displayName ?? name,
      group: options.group,
      host: options.host.replace(/^\[|\]$/g, ''),
      port: options.port,
      degradedAfterMs: options.degradedAfter?.toMilliseconds(),
      timeoutMs: timeoutOf(options).toMilliseconds(),
      renamedFrom: options.renamedFrom,
    });
  }

  /** The check's unique name. */
  public readonly name: string;

  /** How long one probe of this check may take. */
  public readonly timeout: Duration;

  /** The name this check had before a rename, if given. */
  public readonly renamedFrom?: string;

  private readonly config: CheckConfig;

  private constructor(name: string, timeout: Duration, config: CheckConfig) {
    this.name = name;
    this.timeout = timeout;
    this.renamedFrom = config.renamedFrom;
    this.config = config;
  }

  /**
   * The runtime configuration of this check, as the checker Lambda reads it.
   * @internal
   */
  public _toConfig(): CheckConfig {
    return this.config;
  }
}

function validateName(where: string, name: string): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    invalidProp(where, 'name', `must be 1 to 64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit; got ${describe(name)}`);
  }
}

function validateCommon(where: string, name: string, options: CommonCheckOptions): void {
  if (options.renamedFrom !== undefined) {
    if (typeof options.renamedFrom !== 'string' || !NAME_PATTERN.test(options.renamedFrom)) {
      invalidProp(where, 'renamedFrom', `must be a check name (1 to 64 letters, digits, '.', '_' or '-'); got ${describe(options.renamedFrom)}`);
    }
    if (options.renamedFrom === name) invalidProp(where, 'renamedFrom', `must differ from the check's own name; got ${describe(name)}`);
  }
  requireNonEmptyString(where, 'displayName', options.displayName, 200);
  requireNonEmptyString(where, 'group', options.group, 200);
  requireDuration(where, 'timeout', options.timeout, 100, MAX_TIMEOUT_MS);
  requireDuration(where, 'degradedAfter', options.degradedAfter, 1, MAX_TIMEOUT_MS);
  if (options.degradedAfter && options.timeout
    && !options.degradedAfter.isUnresolved() && !options.timeout.isUnresolved()
    && options.degradedAfter.toMilliseconds() >= options.timeout.toMilliseconds()) {
    invalidProp(where, 'degradedAfter', `must be shorter than timeout (${options.timeout.toHumanString()}); got ${options.degradedAfter.toHumanString()}`);
  }
}

function parseUrl(where: string, value: string): URL {
  if (Token.isUnresolved(value)) {
    invalidProp(where, 'url', 'must be known at synth time (the checker reads it from a file in its code); got an unresolved token');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalidProp(where, 'url', `must be an absolute http:// or https:// URL; got ${describe(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    invalidProp(where, 'url', `must use http:// or https://; got ${describe(value)}`);
  }
  if (url.username || url.password) {
    invalidProp(where, 'url', 'must not contain credentials (user:password@): the URL is stored in plain text');
  }
  return url;
}

function timeoutOf(options: CommonCheckOptions): Duration {
  return options.timeout ?? DEFAULT_TIMEOUT;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
