import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../shared/clock';
import { HubSpotError } from './errors';
import type { HubSpotEnv } from './http';

/**
 * Per-app burst limits (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines): marketplace
 * OAuth apps get 110 requests per rolling 10 s per installing account, reported in `X-HubSpot-RateLimit-Max`,
 * `-Remaining` and `-Interval-Milliseconds`. CRM search has its own 5 requests/s and sends no rate-limit headers.
 */
export interface RateLimitOptions {
  max: number;
  intervalMs: number;
  searchPerSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 110, intervalMs: 10_000, searchPerSecond: 5 };

export class RateLimiter {
  private burst: number[] = [];
  private searches: number[] = [];

  constructor(
    private readonly clock: Clock,
    public options: RateLimitOptions,
  ) {}

  reset(): void {
    this.burst = [];
    this.searches = [];
  }

  middleware(): MiddlewareHandler<HubSpotEnv> {
    return async (c, next) => {
      const now = this.clock.now().getTime();
      const isSearch = c.req.method === 'POST' && /^\/crm\/v3\/objects\/[^/]+\/search$/.test(c.req.path);
      if (isSearch) {
        this.searches = this.searches.filter((t) => t > now - 1000);
        if (this.searches.length >= this.options.searchPerSecond) {
          // The SDK's retry decorator keys on this exact message
          // (https://github.com/HubSpot/hubspot-api-nodejs/blob/master/src/services/decorators/RetryDecorator.ts).
          throw tooMany({ message: 'You have reached your secondly limit.', policyName: 'SECONDLY' }, {});
        }
        this.searches.push(now);
        await next();
        return;
      }
      this.burst = this.burst.filter((t) => t > now - this.options.intervalMs);
      const headers = (remaining: number) => ({
        'X-HubSpot-RateLimit-Max': String(this.options.max),
        'X-HubSpot-RateLimit-Remaining': String(remaining),
        'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.options.intervalMs),
      });
      if (this.burst.length >= this.options.max) {
        const oldest = this.burst[0] ?? now;
        const retryAfter = Math.max(1, Math.ceil((oldest + this.options.intervalMs - now) / 1000));
        throw tooMany(
          { message: 'You have reached your ten_secondly_rolling limit.', policyName: 'TEN_SECONDLY_ROLLING' },
          // HubSpot does not document whether it sends Retry-After on 429; it is sent so clients can honour it.
          { ...headers(0), 'Retry-After': String(retryAfter) },
        );
      }
      this.burst.push(now);
      await next();
      for (const [k, v] of Object.entries(headers(this.options.max - this.burst.length))) c.header(k, v);
    };
  }
}

/** 429 body: `{status, message, errorType: RATE_LIMIT, correlationId, policyName, requestId}` (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines). */
const tooMany = (p: { message: string; policyName: string }, headers: Record<string, string>) =>
  new HubSpotError(429, { message: p.message, errorType: 'RATE_LIMIT', policyName: p.policyName, requestId: randomUUID(), category: 'RATE_LIMITS' }, headers);
