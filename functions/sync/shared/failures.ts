import { HubSpotApiError } from '../../hubspot/errors';
import { QboApiError } from '../../quickbooks/errors';

export interface Failure {
  /** Worth another attempt later (rate limits, outages, timeouts): the job is retried with backoff. */
  retryable: boolean;
  /** The connection's tokens are dead: stop and ask the admin to reconnect. */
  reauth: boolean;
  code: string;
  /** Plain language for the admin's sync log. */
  message: string;
}

/** One reading of any error a sync step can meet, so every flow logs and retries the same way. */
export function describeFailure(err: unknown): Failure {
  if (err instanceof QboApiError) {
    return { retryable: err.retryable, reauth: err.kind === 'reauth_required', code: `qbo_${err.kind}`, message: err.userMessage };
  }
  if (err instanceof HubSpotApiError) {
    // For a refused value the admin needs HubSpot's own words (which property, which value) to fix it.
    const said = err.kind === 'validation' || err.kind === 'conflict' ? ` HubSpot said: ${err.detail}` : '';
    return { retryable: err.retryable, reauth: err.kind === 'reauth_required', code: `hubspot_${err.kind}`, message: `${err.userMessage}${said}` };
  }
  if (err instanceof SyncRecordFailed) return { retryable: false, reauth: false, code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { retryable: false, reauth: false, code: 'internal_error', message };
}

/** Thrown out of a sync run so the job queue retries it later; per-record progress is already saved. */
export class RetryLater extends Error {
  override name = 'RetryLater';
}

/** Thrown when a connection needs the admin to reconnect; the job is not retried. */
export class ReconnectRequired extends Error {
  override name = 'ReconnectRequired';
}

/** A record that cannot sync as it is, with the reason in words for the admin; another attempt would fail the same way. */
export class SyncRecordFailed extends Error {
  override name = 'SyncRecordFailed';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
