/** Reading environment variables: an error names the variable that is missing or wrong. */
export type Env = Record<string, string | undefined>;

export function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new Error(`${name} must be set (engine contract)`);
  }
  return value;
}

export function list(env: Env, name: string): string[] {
  return required(env, name).split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

export function positiveInteger(env: Env, name: string, fallback?: number): number {
  const text = env[name]?.trim();
  if (!text && fallback !== undefined) {
    return fallback;
  }
  const value = Number(required(env, name));
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer; got '${text}'`);
  }
  return value;
}

