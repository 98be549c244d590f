import { z } from 'zod';
import type { Connection } from '../../functions/store/connections';
import type { ChangeSet, Flow, FlowContext } from '../../functions/sync/flow';
import { QUEUES } from '../../functions/sync/runner';
import { startHarness, type Harness } from '../helpers/harness';

/** A run the test lets finish when it chooses, counting how many ran and how many at once. */
function gated() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const seen = { started: 0, running: 0, most: 0, settings: [] as unknown[], changes: [] as ChangeSet[] };
  const run = async (ctx: FlowContext<unknown>, changes?: ChangeSet) => {
    if (changes) seen.changes.push(changes);
    seen.started++;
    seen.running++;
    seen.most = Math.max(seen.most, seen.running);
    seen.settings.push(ctx.settings);
    await gate;
    seen.running--;
    return { done: 1, failed: 0 };
  };
  return {
    seen,
    run,
    release: () => release(),
  };
}

const SlowSettings = z.strictObject({ note: z.string().default('first') });

/** A flow declared in the test: the runner knows flows only by their declaration, so this one runs like any other. */
function slowFlow(
  name: string,
  first: ReturnType<typeof gated>,
  changes: ReturnType<typeof gated>,
): Flow<z.infer<typeof SlowSettings> & { firstSyncCompletedAt?: string | undefined }> {
  return {
    name,
    label: `Slow ${name}`,
    direction: 'to_hubspot',
    listensTo: { hubspot: [], qbo: [] },
    qboIdProperties: [],
    settings: {
      stored: SlowSettings.extend({ firstSyncCompletedAt: z.string().optional() }),
      editable: SlowSettings,
      defaults: () => SlowSettings.parse({}),
    },
    changed: (ctx, named) => changes.run(ctx, named),
    reconcile: (ctx) => changes.run(ctx),
    firstSync: (ctx) => first.run(ctx),
    preview: async () => ({}),
    retryOf: async () => ({}),
  };
}

describe('the runner', () => {
  let h: Harness;
  let connection: Connection;
  const first = gated();
  const later = gated();
  const editedFirst = gated();
  const editedLater = gated();
  editedLater.release();
  const busyFirst = gated();
  const busyChanges = gated();

  beforeAll(async () => {
    h = await startHarness({ flows: [slowFlow('slow', first, later), slowFlow('edited', editedFirst, editedLater), slowFlow('busy', busyFirst, busyChanges)] });
    connection = await h.connect();
  });
  afterAll(async () => {
    first.release();
    later.release();
    editedFirst.release();
    busyChanges.release();
    await h.stop();
  });

  /** Lets the queue run until `until` holds, on simulated time (handlers that block keep running meanwhile). */
  const tickUntil = async (until: () => boolean) => {
    for (let i = 0; i < 60 && !until(); i++) await h.bossClock.tick(1_000);
    expect(until()).toBe(true);
  };

  const firstSyncJob = async (name: string) => (await h.jobs.boss.findJobs<{ object: string }>(QUEUES.firstSync, {})).find((j) => j.data.object === name);

  test('a first sync running past pg-boss’s expiry is never run a second time while it lives', async () => {
    await h.runtime.sync.setEnabled(connection.id, 'slow', true);
    await tickUntil(() => first.seen.started === 1);

    // Ninety minutes, well past the 60 minutes a first sync's job used to be allowed, with the worker alive throughout.
    for (let s = 0; s < 90 * 60; s += 20) await h.advance(20_000);
    expect(first.seen.started).toBe(1);
    expect(await firstSyncJob('slow')).toMatchObject({ state: 'active', retryCount: 0 });

    first.release();
    later.release();
    await h.drain();
    expect(first.seen).toMatchObject({ started: 1, most: 1 });
    expect(await firstSyncJob('slow')).toMatchObject({ state: 'completed', retryCount: 0 });
    expect((await h.runtime.sync.settings<{ firstSyncCompletedAt?: string }>(connection.id, 'slow')).settings.firstSyncCompletedAt).toBeDefined();
  });

  test('a first sync writes back only what it owns: settings edited and the sync turned off while it ran stay so', async () => {
    await h.runtime.sync.setEnabled(connection.id, 'edited', true);
    await tickUntil(() => editedFirst.seen.started === 1);
    await h.runtime.sync.saveSettings(connection.id, 'edited', { note: 'edited meanwhile' });
    await h.runtime.sync.setEnabled(connection.id, 'edited', false);

    editedFirst.release();
    await h.drain();
    const { enabled, settings } = await h.runtime.sync.settings<{ note: string; firstSyncCompletedAt?: string }>(connection.id, 'edited');
    expect(enabled).toBe(false);
    expect(settings).toEqual({ note: 'edited meanwhile', firstSyncCompletedAt: expect.any(String) });
    // The run itself worked with the settings it started with.
    expect(editedFirst.seen.settings).toEqual([{ note: 'first' }]);
  });

  test('one run per connection and flow: changes named while another run holds the flow wait for it, then sync in one run', async () => {
    busyFirst.release();
    await h.runtime.sync.setEnabled(connection.id, 'busy', true);
    await h.drain();
    await h.jobs.send(QUEUES.reconcile, { connectionId: connection.id, object: 'busy' }, { singletonKey: `${connection.id}:busy` });
    await tickUntil(() => busyChanges.seen.started === 1);
    for (const id of ['1', '2', '3']) await h.runtime.sync.enqueueChanges(connection.id, 'busy', { qbo: { Invoice: [id] } });
    for (let s = 0; s < 60; s++) await h.bossClock.tick(1_000);
    expect(busyChanges.seen).toMatchObject({ started: 1, running: 1 });
    expect(await h.runtime.store.leases.holder({ connectionId: connection.id, flow: 'busy' }, h.clock.now())).toBeDefined();

    busyChanges.release();
    await h.drain();
    expect(busyChanges.seen).toMatchObject({ started: 2, running: 0, most: 1 });
    expect(busyChanges.seen.changes.at(-1)).toEqual({ hubspot: {}, qbo: { Invoice: ['1', '2', '3'] } });
    expect(await h.runtime.store.inbox.unprocessed()).toEqual([]);
  });
});
