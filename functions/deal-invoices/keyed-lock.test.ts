import { KeyedLock } from './keyed-lock';

describe('KeyedLock', () => {
  test('runs one job per key at a time, in arrival order, and different keys side by side', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = lock.run('c1:products', async () => {
      events.push('first start');
      await gate;
      events.push('first end');
    });
    const second = lock.run('c1:products', async () => {
      events.push('second');
    });
    const other = lock.run('c2:products', async () => {
      events.push('other key');
    });
    await other;
    expect(events).toEqual(['first start', 'other key']);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['first start', 'other key', 'first end', 'second']);
    await expect(lock.run('c1:products', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run('c1:products', async () => 'still usable')).toBe('still usable');
  });
});
