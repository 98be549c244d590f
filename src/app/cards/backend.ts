import { hubspot } from '@hubspot/ui-extensions';

/** What the extension needs from HubSpot's context to reach the backend: who and where, and the backend's origin. */
export interface BackendContext {
  portal: { id: number };
  user: { id: number };
  variables?: Record<string, unknown>;
}

/** Every failure the extension can meet, reduced to one shape: a code to branch on and a sentence to show. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: string[];

  constructor(status: number, code: string, message: string, problems: string[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problems = problems;
  }
}

export interface Backend {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: Record<string, unknown>): Promise<T>;
}

/**
 * hubspot.fetch's limit: docs revisions disagree on whether it may be raised past 15 s, so the app stays within it
 * (https://developers.hubspot.com/docs/apps/developer-platform/add-features/ui-extensibility/fetching-data).
 */
const TIMEOUT_MS = 15_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The backend's answer as an error, whichever shape it came in: ours (`{error, message, problems}`), or the HubSpot
 * proxy's wrapper of a backend failure (`{status: 'error', category: 'BAD_GATEWAY', context: {appServerStatusCode}}`,
 * which the local dev proxy sends with HTTP 200), or anything else.
 */
function errorFrom(status: number, body: unknown): ApiError | undefined {
  if (isRecord(body) && typeof body.error === 'string' && typeof body.message === 'string') {
    const problems = Array.isArray(body.problems) ? body.problems.filter((p): p is string => typeof p === 'string') : [];
    return new ApiError(status, body.error, body.message, problems);
  }
  if (isRecord(body) && body.status === 'error') {
    const context = isRecord(body.context) ? body.context : {};
    const upstream = typeof context.appServerStatusCode === 'number' ? context.appServerStatusCode : status;
    return new ApiError(
      upstream,
      String(body.category ?? 'proxy_error').toLowerCase(),
      `The app's server could not answer (HTTP ${upstream}). Try again in a moment.`,
    );
  }
  if (status >= 300) return new ApiError(status, 'http_error', `The app's server answered with HTTP ${status}. Try again in a moment.`);
  return undefined;
}

/**
 * The backend, reached through `hubspot.fetch` (which signs every request). The portal and user of the context go in
 * the query; the backend confirms them with HubSpot before acting. The origin is the project profile's BACKEND_URL,
 * which HubSpot hands the extension as `context.variables`. Undefined when it is missing.
 */
export function backendFor(context: BackendContext): Backend | undefined {
  const origin = context.variables?.BACKEND_URL;
  if (typeof origin !== 'string' || origin === '') return undefined;

  const call = async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: Record<string, unknown>): Promise<T> => {
    const url = new URL(path, origin);
    url.searchParams.set('portalId', String(context.portal.id));
    url.searchParams.set('userId', String(context.user.id));
    let res: Response;
    try {
      res = await hubspot.fetch(url.toString(), { method, timeout: TIMEOUT_MS, ...(body === undefined ? {} : { body }) });
    } catch {
      throw new ApiError(0, 'network', "Couldn't reach the app's server. Check your connection and try again.");
    }
    if (res.status === 204) return undefined as T;
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw (
        errorFrom(res.status, undefined) ??
        new ApiError(res.status, 'bad_response', "The app's server sent an answer the page cannot read. Try again in a moment.")
      );
    }
    const error = errorFrom(res.status, json);
    if (error) throw error;
    return json as T;
  };

  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
  };
}
