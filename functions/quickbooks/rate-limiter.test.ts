import { describe, expect, it } from '@jest/globals';
import { limiterForRealm, QboRateLimiter, type LimiterClock } from './rate-limiter';

/** Time moves only when the limiter sleeps. */
function fakeClock(): LimiterClock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('QboRateLimiter', () => {
  it('never has more than 10 requests in flight, and serves waiters in arrival order', async () => {
    const limiter = new QboRateLimiter({ clock: fakeClock() });
    const gates = Array.from({ length: 25 }, gate);
    const started: number[] = [];
    let peak = 0;
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        peak = Math.max(peak, limiter.inFlight);
        await gate.promise;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    gates[3]?.resolve();
    gates[0]?.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const g of gates) g.resolve();
    await Promise.all(runs);
    expect(peak).toBe(10);
    expect(started).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(limiter.inFlight).toBe(0);
  });

  it('starts at most 500 requests in any rolling minute', async () => {
    const clock = fakeClock();
    const limiter = new QboRateLimiter({ clock });
    const startedAt: number[] = [];
    await Promise.all(Array.from({ length: 1_250 }, () => limiter.run(async () => void startedAt.push(clock.now()))));
    expect(startedAt).toHaveLength(1_250);
    for (let i = 500; i < startedAt.length; i += 1) {
      // The request 500 places later must start a full minute after this one.
      expect((startedAt[i] ?? 0) - (startedAt[i - 500] ?? 0)).toBeGreaterThanOrEqual(60_000);
    }
    expect(clock.slept).toEqual([60_000, 60_000]);
  });

  it('a failing task frees its slot', async () => {
    const limiter = new QboRateLimiter({ clock: fakeClock(), limits: { maxInFlight: 1, perMinute: 500 } });
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  it('keeps one limiter per realm per process', () => {
    expect(limiterForRealm('123')).toBe(limiterForRealm('123'));
    expect(limiterForRealm('123')).not.toBe(limiterForRealm('456'));
  });
});
