import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

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

export interface LoggerOptions {
  /** Human-readable lines (a person at a terminal) instead of JSON (log collectors). */
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  // Synchronous, so log lines and the progress lines `npm start` prints never interleave mid-line.
  const destination = options.pretty
    ? pretty({
        sync: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,service',
        ...(options.destination ? { destination: options.destination } : {}),
      })
    : options.destination;
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'qbo-for-hubspot' } }, destination);
}

export const silentLogger: Logger = pino({ level: 'silent' });
