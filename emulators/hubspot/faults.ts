import type { MiddlewareHandler } from 'hono';
import { HubSpotError } from './errors';
import type { HubSpotEnv } from './http';

/**
 * Fault injection: the next matching requests get the given status (and body/headers) instead of being served, e.g.
 * a 502 from HubSpot's edge, a 477 migration with `Retry-After`, or a 429 (https://developers.hubspot.com/docs/api-reference/error-handling).
 */
export interface FaultSpec {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Path prefix (`/crm/v3/objects/deals`) or a RegExp source prefixed with `re:`. */
  path: string;
  status: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** How many requests to fail; 1 by default. */
  times?: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

const DEFAULT_MESSAGES: Record<number, { message: string; category: string }> = {
  423: { message: 'The resource is locked. Please retry after a short wait.', category: 'LOCKED' },
  429: { message: 'You have reached your ten_secondly_rolling limit.', category: 'RATE_LIMITS' },
  477: { message: 'This account is being migrated. Retry after the time in Retry-After.', category: 'MIGRATION_IN_PROGRESS' },
  500: { message: 'internal error', category: 'INTERNAL_ERROR' },
  502: { message: 'Bad Gateway', category: 'BAD_GATEWAY' },
  503: { message: 'Service Unavailable', category: 'SERVICE_UNAVAILABLE' },
  504: { message: 'Gateway Timeout', category: 'GATEWAY_TIMEOUT' },
};

export class Faults {
  private active: ActiveFault[] = [];

  inject(spec: FaultSpec): void {
    this.active.push({ ...spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.active = [];
  }

  list(): FaultSpec[] {
    return this.active.map(({ remaining, ...spec }) => ({ ...spec, times: remaining }));
  }

  middleware(): MiddlewareHandler<HubSpotEnv> {
    return async (c, next) => {
      const fault = this.active.find((f) => f.remaining > 0 && (!f.method || f.method.toUpperCase() === c.req.method) && matches(f.path, c.req.path));
      if (!fault) return next();
      fault.remaining -= 1;
      this.active = this.active.filter((f) => f.remaining > 0);
      const defaults = DEFAULT_MESSAGES[fault.status] ?? { message: `Injected fault ${fault.status}`, category: 'INTERNAL_ERROR' };
      throw new HubSpotError(fault.status, { ...defaults, ...(fault.body ?? {}) }, fault.headers ?? {});
    };
  }
}

const matches = (pattern: string, path: string) => (pattern.startsWith('re:') ? new RegExp(pattern.slice(3)).test(path) : path.startsWith(pattern));
