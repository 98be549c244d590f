import { TestClock } from 'pg-boss';
import { silentLogger } from '../log';
import { Jobs } from './queue';
import { databaseKinds, openTestDb, type TestDb } from '../../tests/helpers/test-db';

/**
 * pg-boss's TestClock drives polling and retry delays: time moves only through `tick`, so these tests neither
 * sleep nor race the wall clock. Spies report job state transitions.
 */
describe.each(databaseKinds())('jobs on %s', (kind) => {
  let t: TestDb;
  let clock: TestClock;
  let jobs: Jobs;

  beforeAll(async () => {
    t = await openTestDb(kind);
    clock = new TestClock('2026-01-15T12:00:00.000Z');
    jobs = new Jobs({ db: t.db, schema: t.bossSchema, clock, spies: true, log: silentLogger, pollingIntervalSeconds: 1 });
    await jobs.start();
  });
  afterAll(async () => {
    await jobs.stop();
    await t.dispose();
  });

  /** Advances the queue's clock a second at a time until `done`, at most ten simulated minutes. */
  async function tickUntil(done: () => boolean | Promise<boolean>): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (await done()) return;
      await clock.tick(1_000);
    }
    throw new Error('condition not met within 10 simulated minutes');
  }

  test('a job runs once', async () => {
    await jobs.define({ name: 'once', retryLimit: 2, retryDelaySeconds: 1, retryBackoff: false });
    const seen: string[] = [];
    await jobs.work<{ n: string }>('once', async (data) => {
      seen.push(data.n);
    });
    const spy = jobs.boss.getSpy('once');
    const id = await jobs.send('once', { n: 'a' });
    await clock.tick(1_000);
    await spy.waitForJobWithId(id!, 'completed');
    await clock.tick(5_000);
    expect(seen).toEqual(['a']);
  });

  test('a failing job is retried with backoff, then lands in dead letters and can be retried from there', async () => {
    await jobs.define({ name: 'flaky', retryLimit: 2, retryDelaySeconds: 10, retryBackoff: true, retryDelayMaxSeconds: 60 });
    const attempts: { retryCount: number; at: number }[] = [];
    let healthy = false;
    await jobs.work<{ id: string }>('flaky', async (_data, job) => {
      attempts.push({ retryCount: job.retryCount, at: clock.now() });
      if (!healthy) throw new Error('QBO answered 503');
    });
    const spy = jobs.boss.getSpy<{ id: string }>('flaky');
    await jobs.send('flaky', { id: 'x' });

    await clock.tick(1_000);
    expect(attempts).toHaveLength(1);
    // Nothing runs before the first backoff delay has passed...
    await clock.tick(3_000);
    expect(attempts).toHaveLength(1);
    // ...and every retry does run once its delay has passed (backoff capped at 60 s).
    await tickUntil(() => attempts.length === 3);
    expect(attempts.map((a) => a.retryCount)).toEqual([0, 1, 2]);
    const [first, second, third] = attempts.map((a) => a.at);
    expect(second! - first!).toBeGreaterThanOrEqual(5_000);
    expect(third! - second!).toBeGreaterThanOrEqual(second! - first!);

    let dead: { data: { id: string } }[] = [];
    await tickUntil(async () => (dead = await jobs.deadLetters<{ id: string }>('flaky')).length > 0);
    expect(dead.map((d) => d.data)).toEqual([{ id: 'x' }]);
    await clock.tick(120_000);
    expect(attempts).toHaveLength(3);

    healthy = true;
    expect(await jobs.retryDeadLetters('flaky')).toBe(1);
    await clock.tick(1_000);
    await spy.waitForJob((d) => d.id === 'x', 'completed');
    expect(attempts).toHaveLength(4);
    expect(await jobs.deadLetters('flaky')).toEqual([]);
  });

  test('a singleton key keeps one run per key (stately: one active, one queued behind it)', async () => {
    await jobs.define({ name: 'sync', retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, policy: 'stately' });
    const first = await jobs.send('sync', { connection: 'c1' }, { singletonKey: 'c1:contacts' });
    const second = await jobs.send('sync', { connection: 'c1' }, { singletonKey: 'c1:contacts' });
    const other = await jobs.send('sync', { connection: 'c2' }, { singletonKey: 'c2:contacts' });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    expect(other).not.toBeNull();
  });

  test('a caller-chosen id makes a send idempotent', async () => {
    await jobs.define({ name: 'idem', retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false });
    const id = '0b9a8f3e-5a4c-4b8e-9d67-1f0e3a2b7c11';
    expect(await jobs.send('idem', { a: 1 }, { id })).toBe(id);
    expect(await jobs.send('idem', { a: 1 }, { id })).toBeNull();
  });

  test('reports healthy while started', async () => {
    expect(await jobs.healthy()).toBe(true);
  });
});
