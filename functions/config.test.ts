import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
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
    const live = loadConfig({
      HUBSPOT_APP_ID: '1',
      HUBSPOT_CLIENT_ID: 'hs-id',
      HUBSPOT_CLIENT_SECRET: 'hs-secret',
      QBO_CLIENT_ID: 'qbo-id',
      QBO_CLIENT_SECRET: 'qbo-secret',
      QBO_WEBHOOK_VERIFIER_TOKEN: 'verifier',
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      PUBLIC_URL: 'https://qbo.example.com',
    });
    expect(live.mode).toBe('live');
  });
});
