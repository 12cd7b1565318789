"""Reading the engine contract's environment variables: every error names the variable."""
from collections.abc import Mapping


class ConfigError(ValueError):
    """A missing or invalid environment variable (the message names it)."""


def required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, '').strip()
    if not value:
        raise ConfigError(f'{name} must be set (engine contract)')
    return value


def optional(env: Mapping[str, str], name: str) -> str | None:
    return env.get(name, '').strip() or None


def comma_list(env: Mapping[str, str], name: str) -> list[str]:
    items = [item.strip() for item in required(env, name).split(',') if item.strip()]
    if not items:
        raise ConfigError(f'{name} must list at least one entry, got {env.get(name)!r}')
    return items


def integer(env: Mapping[str, str], name: str, minimum: int, default: int | None = None) -> int:
    raw = env.get(name, '').strip()
    if not raw:
        if default is None:
            raise ConfigError(f'{name} must be set (engine contract)')
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f'{name} must be an integer >= {minimum}, got {raw!r}') from None
    if value < minimum:
        raise ConfigError(f'{name} must be an integer >= {minimum}, got {raw!r}')
    return value
