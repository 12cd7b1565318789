/**
 * Turns network and TLS errors into short, human-readable probe messages. Only the error code
 * and the host are used: nothing from the request or response headers ever ends up in a message.
 */

const TLS_MESSAGES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: self-signed certificate is not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: certificate chain ends in an untrusted self-signed CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: certificate issuer is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'TLS: certificate issuer is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: certificate issuer is not trusted',
  CERT_HAS_EXPIRED: 'TLS: certificate has expired',
  CERT_NOT_YET_VALID: 'TLS: certificate is not valid yet',
  CERT_REVOKED: 'TLS: certificate has been revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: certificate does not match the host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS: handshake failed (is the port serving plain HTTP?)',
  EPROTO: 'TLS: handshake failed',
};

/** A short description of a connection error, e.g. "connection refused by db.example.com:5432". */
export function describeNetworkError(error: unknown, target: string): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const key = typeof code === 'string' ? code : '';
  if (TLS_MESSAGES[key]) return TLS_MESSAGES[key];
  if (key.startsWith('ERR_SSL') || key.startsWith('ERR_TLS')) return `TLS: handshake failed (${key})`;
  switch (key) {
    case 'ECONNREFUSED': return `connection refused by ${target}`;
    case 'ECONNRESET': return `connection reset by ${target}`;
    case 'EPIPE': return `connection closed by ${target}`;
    case 'ENOTFOUND': return `DNS lookup failed for ${hostOf(target)}`;
    case 'EAI_AGAIN': return `DNS lookup timed out for ${hostOf(target)}`;
    case 'EHOSTUNREACH': return `host ${hostOf(target)} is unreachable`;
    case 'ENETUNREACH': return `network unreachable for ${target}`;
    case 'ETIMEDOUT': return `connection to ${target} timed out`;
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN': return `invalid HTTP response from ${target}`;
    default: break;
  }
  if (key.startsWith('HPE_')) return `invalid HTTP response from ${target}`;
  return key ? `connection failed (${key}) for ${target}` : `connection failed for ${target}`;
}

function hostOf(target: string): string {
  const i = target.lastIndexOf(':');
  return i > 0 ? target.slice(0, i) : target;
}

/** Milliseconds since `start` (a performance.now() reading), rounded. */
export function elapsedSince(start: number): number {
  return Math.round(performance.now() - start);
}
