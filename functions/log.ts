import { pino, type Logger } from 'pino';

export type { Logger };

/** Secrets never reach the log, whatever object they ride in on. */
const REDACT = [
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.authorization',
  '*.Authorization',
  'req.headers.authorization',
  'headers.authorization',
  '*.tokenEncryptionKey',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'qbo-for-hubspot' } }, destination);
}

export const silentLogger: Logger = pino({ level: 'silent' });
