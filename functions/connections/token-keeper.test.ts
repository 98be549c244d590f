import { randomBytes } from 'node:crypto';
import { silentLogger } from '../log';
import { TokenCipher } from '../security/token-cipher';
import { openPglite, type Db } from '../store/db';
import { migrate } from '../store/migrate';
import { createStore, type Store } from '../store/store';
import type { TokenSet } from '../store/connections';
import { TokenKeeper, type TokenRefresher } from './token-keeper';

const NOW = new Date('2026-01-15T12:00:00.000Z');
const later = (min: number) => new Date(NOW.getTime() + min * 60_000);
const tokens = (n: number, expiresInMin = 60): TokenSet => ({ accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresAt: later(expiresInMin) });

class DeadGrant extends Error {}

describe('TokenKeeper', () => {
  let db: Db;
  let store: Store;
  let connectionId: string;

  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    store = createStore(db, new TokenCipher(randomBytes(32)));
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    const c = await store.connections.saveHubspotInstall(Math.floor(Math.random() * 1e9), tokens(0));
    connectionId = c.id;
    await store.connections.saveQboConnection(connectionId, 'realm', tokens(1));
  });

  /** What another process does when its refresh wins: saves its pair over the version it read. */
  const savedElsewhere = async (t: TokenSet) => {
    const version = (await store.connections.get(connectionId))!.qboTokens!.version;
    expect(await store.connections.saveRefreshedTokens(connectionId, 'quickbooks', t, version)).toBe(true);
  };

  const refresher = (impl: (refreshToken: string) => Promise<TokenSet>) => {
    const calls: string[] = [];
    const r: TokenRefresher = {
      refresh: async (rt) => {
        calls.push(rt);
        return impl(rt);
      },
      isDeadGrant: (err) => err instanceof DeadGrant,
    };
    return { r, calls };
  };

  test('concurrent 401s in one process cause one refresh, and the new tokens are stored', async () => {
    const { r, calls } = refresher(async () => tokens(2));
    const keeper = new TokenKeeper('quickbooks', store.connections, r, () => NOW, silentLogger);
    const results = await Promise.all([1, 2, 3].map(() => keeper.refresh(connectionId, 'access-1')));
    expect(results).toEqual(['access-2', 'access-2', 'access-2']);
    expect(calls).toEqual(['refresh-1']);
    expect((await store.connections.get(connectionId))?.qboTokens?.refreshToken).toBe('refresh-2');
  });

  test('a token about to expire is renewed before use', async () => {
    await savedElsewhere(tokens(1, 2));
    const { r, calls } = refresher(async () => tokens(3));
    const keeper = new TokenKeeper('quickbooks', store.connections, r, () => NOW, silentLogger);
    expect(await keeper.accessToken(connectionId)).toBe('access-3');
    expect(calls).toHaveLength(1);
  });

  test('another process already rotated the tokens: use them, do not refresh again', async () => {
    const { r, calls } = refresher(async () => tokens(9));
    const keeper = new TokenKeeper('quickbooks', store.connections, r, () => NOW, silentLogger);
    await keeper.accessToken(connectionId);
    await savedElsewhere(tokens(5));
    expect(await keeper.refresh(connectionId, 'access-1')).toBe('access-5');
    expect(calls).toEqual([]);
  });

  test('a lost race (our refresh token was superseded meanwhile) re-reads the store instead of giving up', async () => {
    const { r } = refresher(async () => {
      await savedElsewhere(tokens(7));
      throw new DeadGrant('invalid_grant');
    });
    const keeper = new TokenKeeper('quickbooks', store.connections, r, () => NOW, silentLogger);
    expect(await keeper.refresh(connectionId, 'access-1')).toBe('access-7');
    expect((await store.connections.get(connectionId))?.status).toBe('active');
  });

  test('a refused refresh token marks the connection as needing a reconnect', async () => {
    const { r } = refresher(async () => {
      throw new DeadGrant('invalid_grant');
    });
    const keeper = new TokenKeeper('quickbooks', store.connections, r, () => NOW, silentLogger);
    await expect(keeper.refresh(connectionId, 'access-1')).rejects.toThrow('invalid_grant');
    const c = await store.connections.get(connectionId);
    expect(c?.status).toBe('reauth_required');
    expect(c?.statusReason).toMatch(/reconnect QuickBooks/);
  });

  describe('two processes refreshing one connection', () => {
    /** A refresh the test lets through when it chooses: the provider has answered, the process has not saved yet. */
    const held = () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      return { gate, release };
    };

    test("the loser of a refresh race sees invalid_grant before the winner saved: the connection ends active with the winner's tokens", async () => {
      // QBO rotates refresh tokens: once A has refreshed with refresh-1, B's refresh with refresh-1 is refused.
      let rotated = false;
      const winnerAnswered = held();
      const a = new TokenKeeper(
        'quickbooks',
        store.connections,
        refresher(async () => {
          rotated = true;
          const t = tokens(2);
          await winnerAnswered.gate;
          return t;
        }).r,
        () => NOW,
        silentLogger,
      );
      const b = new TokenKeeper(
        'quickbooks',
        store.connections,
        refresher(async () => {
          if (rotated) throw new DeadGrant('invalid_grant');
          return tokens(3);
        }).r,
        () => NOW,
        silentLogger,
      );

      const first = a.refresh(connectionId, 'access-1');
      await new Promise((r) => setImmediate(r));
      await expect(b.refresh(connectionId, 'access-1')).rejects.toThrow('invalid_grant');
      winnerAnswered.release();
      expect(await first).toBe('access-2');

      const c = await store.connections.get(connectionId);
      expect(c?.status).toBe('active');
      expect(c?.qboTokens?.refreshToken).toBe('refresh-2');
      // B's next call is refused with its old token; it then finds the winner's pair.
      expect(await b.refresh(connectionId, 'access-1')).toBe('access-2');
    });

    test('two refreshes that both succeed: the second save does not overwrite the first, and its process uses the stored pair', async () => {
      const bothAsked = held();
      let asked = 0;
      const slow = (n: number) =>
        refresher(async () => {
          if (++asked === 2) bothAsked.release();
          await bothAsked.gate;
          return tokens(n);
        }).r;
      const a = new TokenKeeper('quickbooks', store.connections, slow(2), () => NOW, silentLogger);
      const b = new TokenKeeper('quickbooks', store.connections, slow(3), () => NOW, silentLogger);
      const [fromA, fromB] = await Promise.all([a.refresh(connectionId, 'access-1'), b.refresh(connectionId, 'access-1')]);
      const stored = (await store.connections.get(connectionId))!.qboTokens!;
      expect(stored.version).toBe(2);
      expect([fromA, fromB]).toEqual([stored.accessToken, stored.accessToken]);
    });

    test('a connection marked for a refused refresh comes back by itself when the provider accepts the tokens again', async () => {
      let refusing = true;
      const keeper = new TokenKeeper(
        'quickbooks',
        store.connections,
        refresher(async () => {
          if (refusing) throw new DeadGrant('invalid_grant');
          return tokens(4);
        }).r,
        () => NOW,
        silentLogger,
      );
      await expect(keeper.refresh(connectionId, 'access-1')).rejects.toThrow('invalid_grant');
      expect((await store.connections.refusedTokens()).map((c) => c.id)).toContain(connectionId);
      expect(await keeper.revive(connectionId)).toBe(false);

      refusing = false;
      expect(await keeper.revive(connectionId)).toBe(true);
      const c = await store.connections.get(connectionId);
      expect(c).toMatchObject({ status: 'active', statusReason: undefined, reauthProvider: undefined });
      expect((await store.connections.refusedTokens()).map((x) => x.id)).not.toContain(connectionId);
    });
  });
});
