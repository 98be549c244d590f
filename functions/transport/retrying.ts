import type { Logger } from '../log';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** An access token, and a fresh one after the provider refused it (told which, so concurrent callers can tell whether someone already refreshed). */
export interface AccessTokens {
  accessToken(): Promise<string>;
  refresh(rejectedAccessToken: string): Promise<string>;
}

/** What the transport needs to know of a provider's classified failure. */
export interface ProviderFailure extends Error {
  readonly kind: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** How long the provider asked us to wait (Retry-After or its rate-limit window), when it said. */
  readonly retryAfterMs: number | undefined;
}

export interface RetryingTransportOptions {
  /** For log lines: `HubSpot`, `QuickBooks`. */
  provider: string;
  auth: AccessTokens;
  retry: RetryPolicy;
  log: Logger;
  /** Maps anything an attempt throws to the provider's failure; undefined for what is not a provider condition (a bug), rethrown as is. */
  classify(err: unknown): ProviderFailure | undefined;
  /** Wraps every attempt: the provider's in-flight cap or rate limiter. */
  admit?<T>(attempt: () => Promise<T>): Promise<T>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RetryingTransport {
  /** One logical call: as many attempts as the policy allows. */
  send<T>(op: string, attempt: (accessToken: string) => Promise<T>): Promise<T>;
  readonly stats: { attempts: number; retries: number; refreshes: number };
}

/**
 * The one retry loop both provider clients run every call through:
 * - a 401 refreshes the access token and tries again, without spending a retry; a 401 straight after a refresh is
 *   final, but one after the new token had been accepted is a new expiry and refreshes again;
 * - rate limits, outages and timeouts wait and try again: exactly what the provider asked for (Retry-After), else
 *   exponential backoff with full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/);
 * - a requested wait longer than the policy's longest delay is not slept here: the failure goes back to the job
 *   runner, which reschedules the job;
 * - anything else (validation, conflicts) is thrown at once, never retried.
 */
export function createRetryingTransport(opts: RetryingTransportOptions): RetryingTransport {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = opts.random ?? Math.random;
  const admit = opts.admit ?? (<T>(attempt: () => Promise<T>) => attempt());
  const stats = { attempts: 0, retries: 0, refreshes: 0 };
  const fail = (raw: unknown): never => {
    throw opts.classify(raw) ?? raw;
  };

  async function send<T>(op: string, attempt: (accessToken: string) => Promise<T>): Promise<T> {
    let token = await opts.auth.accessToken();
    let refreshed = false;
    for (let n = 1; ; n++) {
      stats.attempts += 1;
      const sentWith = token;
      try {
        return await admit(() => attempt(sentWith));
      } catch (raw) {
        const err = opts.classify(raw);
        if (err === undefined) throw raw;
        const context = { op, attempt: n, kind: err.kind, status: err.status };
        if (err.kind === 'reauth_required' && err.status === 401 && !refreshed) {
          refreshed = true;
          stats.refreshes += 1;
          opts.log.info(context, `${opts.provider} rejected the access token; refreshing once`);
          token = await opts.auth.refresh(sentWith).catch(fail);
          n -= 1;
          continue;
        }
        // Any other answer came from behind the gateway: the token was accepted, so a later 401 is a new expiry.
        refreshed = false;
        if (!err.retryable || n >= opts.retry.maxAttempts) {
          opts.log.warn(context, `${opts.provider} call failed`);
          throw err;
        }
        const delayMs = err.retryAfterMs ?? Math.floor(random() * Math.min(opts.retry.maxDelayMs, opts.retry.baseDelayMs * 2 ** (n - 1)));
        if (delayMs > opts.retry.maxDelayMs) {
          opts.log.warn({ ...context, retryAfterMs: delayMs }, `${opts.provider} asked us to wait longer than the retry budget`);
          throw err;
        }
        stats.retries += 1;
        opts.log.warn({ ...context, delayMs }, `${opts.provider} call failed; retrying`);
        await sleep(delayMs);
      }
    }
  }

  return { send, stats };
}
