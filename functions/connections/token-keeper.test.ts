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
    await store.connections.saveQboTokens(connectionId, tokens(1, 2));
    const { r, calls } = refresher(async () => tokens(3));
    const keeper = new TokenKeeper('quickbooks', store.connections, r, () => NOW, silentLogger);
    expect(await keeper.accessToken(connectionId)).toBe('access-3');
    expect(calls).toHaveLength(1);
  });

  test('another process already rotated the tokens: use them, do not refresh again', async () => {
    const { r, calls } = refresher(async () => tokens(9));
    const keeper = new TokenKeeper('quickbooks', store.connections, r, () => NOW, silentLogger);
    await keeper.accessToken(connectionId);
    await store.connections.saveQboTokens(connectionId, tokens(5));
    expect(await keeper.refresh(connectionId, 'access-1')).toBe('access-5');
    expect(calls).toEqual([]);
  });

  test('a lost race (our refresh token was superseded meanwhile) re-reads the store instead of giving up', async () => {
    const { r } = refresher(async () => {
      await store.connections.saveQboTokens(connectionId, tokens(7));
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
});
