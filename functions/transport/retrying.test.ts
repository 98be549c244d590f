import { silentLogger } from '../log';
import { parseRetryAfter } from './retry-after';
import { createRetryingTransport, type ProviderFailure } from './retrying';

class Failure extends Error implements ProviderFailure {
  constructor(
    readonly kind: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly retryAfterMs: number | undefined = undefined,
  ) {
    super(kind);
  }
}

const policy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000 };

function transport(script: (Failure | 'ok')[], tokens = ['t1', 't2']) {
  const slept: number[] = [];
  const sentWith: string[] = [];
  const refreshed: string[] = [];
  let issued = 0;
  const t = createRetryingTransport({
    provider: 'Test',
    auth: { accessToken: async () => tokens[issued]!, refresh: async (rejected) => (refreshed.push(rejected), tokens[++issued]!) },
    retry: policy,
    log: silentLogger,
    classify: (err) => (err instanceof Failure ? err : undefined),
    sleep: async (ms) => void slept.push(ms),
    random: () => 0.5,
  });
  const call = () =>
    t.send('op', async (token) => {
      sentWith.push(token);
      const next = script.shift();
      if (next === undefined || next === 'ok') return 'done';
      throw next;
    });
  return { t, call, slept, sentWith, refreshed };
}

describe('the retrying transport both provider clients share', () => {
  test('waits what Retry-After asked, else backs off with full jitter, and gives up after the policy allows', async () => {
    const ok = transport([new Failure('rate_limited', 429, true, 3_000), new Failure('unavailable', 503, true), 'ok']);
    expect(await ok.call()).toBe('done');
    expect(ok.slept).toEqual([3_000, 1_000]);
    expect(ok.t.stats).toEqual({ attempts: 3, retries: 2, refreshes: 0 });

    const down = transport(Array.from({ length: 10 }, () => new Failure('unavailable', 503, true)));
    await expect(down.call()).rejects.toMatchObject({ kind: 'unavailable' });
    expect(down.sentWith).toHaveLength(policy.maxAttempts);
  });

  test('a 401 refreshes once with the rejected token and does not spend a retry; a second 401 is final', async () => {
    const once = transport([new Failure('reauth_required', 401, false), 'ok']);
    expect(await once.call()).toBe('done');
    expect(once.sentWith).toEqual(['t1', 't2']);
    expect(once.refreshed).toEqual(['t1']);

    const twice = transport([new Failure('reauth_required', 401, false), new Failure('reauth_required', 401, false)]);
    await expect(twice.call()).rejects.toMatchObject({ kind: 'reauth_required' });
    expect(twice.refreshed).toEqual(['t1']);
  });

  test('a token that expires again while a call retries is refreshed again: only a 401 right after a refresh is final', async () => {
    // t2 works (the 503 comes from behind the gateway), then expires before the retry: that is no refusal of the grant.
    const expiring = transport(
      [new Failure('reauth_required', 401, false), new Failure('unavailable', 503, true), new Failure('reauth_required', 401, false), 'ok'],
      ['t1', 't2', 't3'],
    );
    expect(await expiring.call()).toBe('done');
    expect(expiring.sentWith).toEqual(['t1', 't2', 't2', 't3']);
    expect(expiring.refreshed).toEqual(['t1', 't2']);
    expect(expiring.t.stats).toEqual({ attempts: 4, retries: 1, refreshes: 2 });
  });

  test('a wait longer than the budget, a validation fault and a bug are thrown at once', async () => {
    const migrating = transport([new Failure('unavailable', 477, true, 3_600_000)]);
    await expect(migrating.call()).rejects.toMatchObject({ retryAfterMs: 3_600_000 });
    expect(migrating.slept).toEqual([]);

    const refused = transport([new Failure('validation', 400, false)]);
    await expect(refused.call()).rejects.toMatchObject({ kind: 'validation' });
    expect(refused.sentWith).toHaveLength(1);

    const t = createRetryingTransport({
      provider: 'Test',
      auth: { accessToken: async () => 't', refresh: async () => 't' },
      retry: policy,
      log: silentLogger,
      classify: () => undefined,
    });
    await expect(t.send('op', async () => Promise.reject(new TypeError('a bug')))).rejects.toThrow(TypeError);
  });

  test('Retry-After is read as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('12')).toBe(12_000);
    expect(parseRetryAfter('1.5')).toBe(1_500);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:29:00 GMT'))).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
