import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  const live = {
    HUBSPOT_APP_ID: '1',
    HUBSPOT_CLIENT_ID: 'hs-id',
    HUBSPOT_CLIENT_SECRET: 'hs-secret',
    QBO_CLIENT_ID: 'qbo-id',
    QBO_CLIENT_SECRET: 'qbo-secret',
    QBO_WEBHOOK_VERIFIER_TOKEN: 'verifier',
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    PUBLIC_URL: 'https://qbo.example.com',
  };

  test('no configuration at all is sandbox mode with working defaults', () => {
    expect(loadConfig({})).toMatchObject({ mode: 'sandbox', port: 3000, host: '127.0.0.1', dataDir: '.data', databaseUrl: undefined });
  });

  test('PORT, DATA_DIR and DATABASE_URL override the defaults; blank values count as unset', () => {
    const c = loadConfig({ PORT: '0', DATA_DIR: '/var/lib/qbo', DATABASE_URL: 'postgres://u@db:5432/app', PUBLIC_URL: '' });
    expect(c).toMatchObject({ port: 0, dataDir: '/var/lib/qbo', databaseUrl: 'postgres://u@db:5432/app', publicUrl: undefined });
  });

  test('LOG_FORMAT chooses readable or JSON logs; by default the terminal decides', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });

  test('every bad key is reported at once', () => {
    try {
      loadConfig({ PORT: '-1', DATABASE_URL: 'mysql://db', TOKEN_ENCRYPTION_KEY: 'short', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const keys = (err as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(keys).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'TOKEN_ENCRYPTION_KEY', 'LOG_LEVEL']));
    }
  });

  test('one credential switches to live mode, which then requires the rest', () => {
    expect(() => loadConfig({ HUBSPOT_CLIENT_ID: 'abc' })).toThrow(/HUBSPOT_CLIENT_SECRET[\s\S]*QBO_CLIENT_ID[\s\S]*TOKEN_ENCRYPTION_KEY/);
    expect(loadConfig(live).mode).toBe('live');
  });

  test('PROCESS_ROLE splits web and worker processes, which share one Postgres; one process does both by default', () => {
    expect(loadConfig({})).toMatchObject({ role: 'both', syncLeaseSeconds: 60, jobHeartbeatSeconds: 60 });
    const worker = loadConfig({
      ...live,
      PROCESS_ROLE: 'worker',
      DATABASE_URL: 'postgres://u@db:5432/app',
      SYNC_LEASE_SECONDS: '30',
      JOB_HEARTBEAT_SECONDS: '20',
    });
    expect(worker).toMatchObject({ role: 'worker', syncLeaseSeconds: 30, jobHeartbeatSeconds: 20 });
    expect(() => loadConfig({ ...live, PROCESS_ROLE: 'web' })).toThrow(/PROCESS_ROLE[\s\S]*DATABASE_URL/);
    expect(() => loadConfig({ PROCESS_ROLE: 'worker', DATABASE_URL: 'postgres://u@db:5432/app' })).toThrow(/sandbox mode/);
    expect(() => loadConfig({ PROCESS_ROLE: 'cron' })).toThrow(/PROCESS_ROLE/);
    expect(() => loadConfig({ JOB_HEARTBEAT_SECONDS: '5' })).toThrow(/JOB_HEARTBEAT_SECONDS/);
  });

  test("live mode can point at other QBO and HubSpot endpoints (the standalone emulators): QBO's OAuth URLs all three or none", () => {
    const c = loadConfig({
      ...live,
      HUBSPOT_API_BASE_URL: 'http://127.0.0.1:4001',
      HUBSPOT_AUTHORIZE_URL: 'http://127.0.0.1:4001/oauth/authorize',
      QBO_API_BASE_URL: 'http://127.0.0.1:4002',
      QBO_OAUTH_AUTHORIZE_URL: 'http://127.0.0.1:4002/connect/oauth2',
      QBO_OAUTH_TOKEN_URL: 'http://127.0.0.1:4002/oauth2/v1/tokens/bearer',
      QBO_OAUTH_REVOKE_URL: 'http://127.0.0.1:4002/v2/oauth2/tokens/revoke',
    });
    expect(c.hubspot).toMatchObject({ apiBaseUrl: 'http://127.0.0.1:4001', authorizeUrl: 'http://127.0.0.1:4001/oauth/authorize' });
    expect(c.quickbooks).toMatchObject({
      apiBaseUrl: 'http://127.0.0.1:4002',
      oauthEndpoints: { tokenEndpoint: 'http://127.0.0.1:4002/oauth2/v1/tokens/bearer' },
    });
    expect(loadConfig(live).quickbooks).toMatchObject({ apiBaseUrl: undefined, oauthEndpoints: undefined });
    expect(() => loadConfig({ ...live, QBO_OAUTH_TOKEN_URL: 'http://127.0.0.1:4002/token' })).toThrow(/QBO_OAUTH_AUTHORIZE_URL/);
  });
});
