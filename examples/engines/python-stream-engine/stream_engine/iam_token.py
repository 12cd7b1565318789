"""MSK IAM auth: confluent-kafka's oauth_cb returns a token signed by aws-msk-iam-sasl-signer-python.

The signer uses the default AWS credential chain (on ECS: the task role). A token lasts 15
minutes; librdkafka calls the callback again before it expires.
"""
from collections.abc import Callable

from aws_msk_iam_sasl_signer import MSKAuthTokenProvider


def iam_token_callback(region: str) -> Callable[[str], tuple[str, float]]:
    def oauth_cb(_oauthbearer_config: str) -> tuple[str, float]:
        token, expiry_ms = MSKAuthTokenProvider.generate_auth_token(region)
        return token, expiry_ms / 1000  # librdkafka wants the expiry in epoch seconds
    return oauth_cb
