import type { Clock } from '../shared/clock';
import type { Change, WriteContext } from './entities/types';
import type { FaultInjector } from './faults';
import type { Metering } from './metering';
import type { OAuthServer } from './oauth';
import type { RateLimiter } from './rate-limit';
import type { RealmState } from './state/store';
import { responseTime } from './time';
import type { WebhookEmitter } from './webhooks';

/** What the routes share: the clock, the company, and the emulator's machinery. */
export interface Core {
  clock: Clock;
  realm(): RealmState;
  oauth: OAuthServer;
  limiter: RateLimiter;
  /** Calls per company, split as Intuit meters them. */
  metering: Metering;
  faults: FaultInjector;
  webhooks: WebhookEmitter;
  /** Every change, in order (the journal behind webhooks and state assertions). */
  changes: Change[];
  sleep(ms: number): Promise<void>;
}

export const nowTime = (core: Core): string => responseTime(core.clock.now(), core.realm().timeZone);

export function writeContext(core: Core, include: ReadonlySet<string>): WriteContext {
  const realm = core.realm();
  const now = core.clock.now();
  return {
    realm,
    now,
    include,
    emit: (c) => {
      const change: Change = { ...c, realmId: realm.realmId, at: now };
      core.changes.push(change);
      core.webhooks.enqueue(change);
    },
  };
}
