"""Runs a Python engine template (argv[1]: its package, e.g. stream_engine) against the local
broker's SASL_PLAINTEXT listener, for the scram and iam tests of python-engines.test.ts.

- The templates' scram and iam modes always use TLS (SASL_SSL), as MSK requires; the local
  broker's SASL listener has no TLS, so this runner switches both modes to SASL_PLAINTEXT.
- iam: the local broker's OAUTHBEARER validator accepts only unsigned JWTs, not MSK IAM tokens,
  so MSKAuthTokenProvider.generate_auth_token (aws-msk-iam-sasl-signer-python) returns an
  unsigned JWT in the signer's own shape (token, expiry in epoch ms) and says so on stderr. The
  engine's oauth_cb and everything after it run unchanged; the real signer is tested on its own.
- scram: nothing else changes (the secret is read through boto3 from the test's stand-in).
"""
import base64
import importlib
import json
import runpy
import sys
import time

from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

TOKEN_LIFETIME_S = 900


def unsigned_jwt(region: str) -> tuple[str, int]:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b'=').decode()
    now = int(time.time())
    print(f'test signer: token for region {region}', file=sys.stderr, flush=True)
    expiry = now + TOKEN_LIFETIME_S
    return f"{part({'alg': 'none'})}.{part({'sub': 'python-engine', 'iat': now, 'exp': expiry})}.", expiry * 1000


package = sys.argv[1]
kafka_config = importlib.import_module(f'{package}.kafka_config')
for mode in ('scram', 'iam'):
    kafka_config.SECURITY_PROTOCOL[mode] = 'SASL_PLAINTEXT'
MSKAuthTokenProvider.generate_auth_token = unsigned_jwt
sys.argv = [package]
runpy.run_module(package, run_name='__main__', alter_sys=True)
