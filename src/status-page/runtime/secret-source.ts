/**
 * Where the proxy secret comes from: Secrets Manager in Lambda, anything in tests.
 *
 * The value is cached in memory for five minutes, so a rotated secret is picked up without a
 * cold start. When a request presents a value that does not match, the renderer may ask for a
 * refresh (at most once every 30 seconds per container), so the new value of a rotation works
 * within seconds instead of minutes. The secret is never logged and never put in a response.
 */
export interface SecretSource {
  /**
   * The current secret ('' when none is set). `refresh: true` re-reads it unless it was read
   * very recently. Throws when the backing store fails.
   */
  getSecret(options?: { readonly refresh?: boolean }): Promise<string>;
}

export interface CachedSecretOptions {
  /** @default 300_000 (5 minutes) */
  readonly ttlMs?: number;
  /** The shortest time between two reads asked for by `refresh`. @default 30_000 */
  readonly minRefreshIntervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Caches what `fetchSecret` returns; failures are not cached (the next request retries). */
export class CachedSecret implements SecretSource {
  private readonly ttlMs: number;
  private readonly minRefreshIntervalMs: number;
  private readonly now: () => number;
  private value: string | undefined;
  private fetchedAt = 0;
  private inFlight: Promise<string> | undefined;

  constructor(private readonly fetchSecret: () => Promise<string | undefined>, options: CachedSecretOptions = {}) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  public async getSecret(options: { readonly refresh?: boolean } = {}): Promise<string> {
    const age = this.now() - this.fetchedAt;
    const fresh = this.value !== undefined && age < this.ttlMs;
    const refreshAllowed = age >= this.minRefreshIntervalMs;
    if (fresh && !(options.refresh && refreshAllowed)) return this.value!;
    if (!this.inFlight) {
      this.inFlight = this.fetchSecret()
        .then((v) => {
          this.value = v ?? '';
          this.fetchedAt = this.now();
          return this.value;
        })
        .finally(() => { this.inFlight = undefined; });
    }
    return this.inFlight;
  }
}
