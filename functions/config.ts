import { z } from 'zod';

/**
 * The only reader of process.env. Every key is parsed once at boot; a bad value stops the process with a
 * list of every problem, so an operator fixes them in one go instead of one restart per key.
 */
const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  TOKEN_ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
      .optional(),
  ),
  HUBSPOT_APP_ID: optionalString,
  HUBSPOT_CLIENT_ID: optionalString,
  HUBSPOT_CLIENT_SECRET: optionalString,
  HUBSPOT_API_BASE_URL: z.url().default('https://api.hubapi.com'),
  HUBSPOT_AUTHORIZE_URL: z.url().default('https://app.hubspot.com/oauth/authorize'),
  QBO_CLIENT_ID: optionalString,
  QBO_CLIENT_SECRET: optionalString,
  QBO_WEBHOOK_VERIFIER_TOKEN: optionalString,
  QBO_ENVIRONMENT: z.enum(['sandbox', 'production']).default('production'),
  QBO_API_BASE_URL: optionalString.pipe(z.url().optional()),
  QBO_OAUTH_AUTHORIZE_URL: optionalString.pipe(z.url().optional()),
  QBO_OAUTH_TOKEN_URL: optionalString.pipe(z.url().optional()),
  QBO_OAUTH_REVOKE_URL: optionalString.pipe(z.url().optional()),
  PROCESS_ROLE: z.enum(['web', 'worker', 'both']).default('both'),
  SYNC_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
});

type Env = z.infer<typeof EnvSchema>;

export interface Config {
  /** `sandbox` when neither HubSpot nor QBO credentials are configured: the product runs against its emulators. */
  mode: 'sandbox' | 'live';
  /**
   * What this process does: `web` answers HTTP (webhooks, OAuth, the settings API) and only queues sync work; `worker`
   * runs the queued work and the schedules, and answers health checks only; `both` does everything (one process).
   */
  role: Env['PROCESS_ROLE'];
  /** How long a sync run's lease lasts unless its process renews it: a dead worker's run is taken over after this. */
  syncLeaseSeconds: number;
  /** A sync job whose worker stops sending heartbeats for this long is handed to another worker. */
  jobHeartbeatSeconds: number;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  /** `auto`: readable lines when stdout is a terminal, JSON otherwise. */
  logFormat: Env['LOG_FORMAT'];
  publicUrl: string | undefined;
  tokenEncryptionKey: string | undefined;
  hubspot: {
    appId: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    apiBaseUrl: string;
    authorizeUrl: string;
  };
  quickbooks: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    webhookVerifierToken: string | undefined;
    environment: Env['QBO_ENVIRONMENT'];
    /** The Accounting API's origin instead of Intuit's for the environment (the standalone emulator, say). */
    apiBaseUrl: string | undefined;
    /** Intuit's OAuth endpoints instead of the environment's: all three or none. */
    oauthEndpoints: { authorizeEndpoint: string; tokenEndpoint: string; revokeEndpoint: string } | undefined;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LIVE_REQUIRED = [
  'HUBSPOT_APP_ID',
  'HUBSPOT_CLIENT_ID',
  'HUBSPOT_CLIENT_SECRET',
  'QBO_CLIENT_ID',
  'QBO_CLIENT_SECRET',
  'QBO_WEBHOOK_VERIFIER_TOKEN',
  'TOKEN_ENCRYPTION_KEY',
  'PUBLIC_URL',
] as const satisfies readonly (keyof Env)[];

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  const oauthUrls = [e.QBO_OAUTH_AUTHORIZE_URL, e.QBO_OAUTH_TOKEN_URL, e.QBO_OAUTH_REVOKE_URL];
  if (oauthUrls.some((u) => u !== undefined) && oauthUrls.some((u) => u === undefined)) {
    throw new ConfigError(['QBO_OAUTH_AUTHORIZE_URL, QBO_OAUTH_TOKEN_URL, QBO_OAUTH_REVOKE_URL: set all three, or none for Intuit’s own']);
  }
  if (e.PROCESS_ROLE !== 'both' && e.DATABASE_URL === undefined) {
    throw new ConfigError([
      `PROCESS_ROLE: ${e.PROCESS_ROLE} shares its work with other processes through one Postgres; set DATABASE_URL (the embedded database serves one process)`,
    ]);
  }
  const credentialKeys = ['HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET', 'QBO_CLIENT_ID', 'QBO_CLIENT_SECRET'] as const;
  const mode = credentialKeys.some((k) => e[k] !== undefined) ? 'live' : 'sandbox';
  if (mode === 'live') {
    const missing = LIVE_REQUIRED.filter((k) => e[k] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(missing.map((k) => `${k}: required once HubSpot or QBO credentials are set`));
    }
  } else if (e.PROCESS_ROLE !== 'both') {
    throw new ConfigError(['PROCESS_ROLE: sandbox mode runs its emulators in one process; leave it unset (both)']);
  }
  return {
    mode,
    role: e.PROCESS_ROLE,
    syncLeaseSeconds: e.SYNC_LEASE_SECONDS,
    jobHeartbeatSeconds: e.JOB_HEARTBEAT_SECONDS,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    publicUrl: e.PUBLIC_URL,
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY,
    hubspot: {
      appId: e.HUBSPOT_APP_ID,
      clientId: e.HUBSPOT_CLIENT_ID,
      clientSecret: e.HUBSPOT_CLIENT_SECRET,
      apiBaseUrl: e.HUBSPOT_API_BASE_URL,
      authorizeUrl: e.HUBSPOT_AUTHORIZE_URL,
    },
    quickbooks: {
      clientId: e.QBO_CLIENT_ID,
      clientSecret: e.QBO_CLIENT_SECRET,
      webhookVerifierToken: e.QBO_WEBHOOK_VERIFIER_TOKEN,
      environment: e.QBO_ENVIRONMENT,
      apiBaseUrl: e.QBO_API_BASE_URL,
      oauthEndpoints:
        e.QBO_OAUTH_AUTHORIZE_URL && e.QBO_OAUTH_TOKEN_URL && e.QBO_OAUTH_REVOKE_URL
          ? { authorizeEndpoint: e.QBO_OAUTH_AUTHORIZE_URL, tokenEndpoint: e.QBO_OAUTH_TOKEN_URL, revokeEndpoint: e.QBO_OAUTH_REVOKE_URL }
          : undefined,
    },
  };
}
