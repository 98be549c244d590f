import { jest } from '@jest/globals';
import { hubspot } from '@hubspot/ui-extensions';

export const BACKEND_URL = 'https://backend.example.com';

export interface Call {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

type Handler = (call: Call) => unknown;
/** A route answers with a handler's result, or with a fixed value: a JSON body, a Response, or an Error. */
type Route = Handler | object;

/** A JSON answer with a status (204 carries no body). */
export const answer = (status: number, body?: unknown) =>
  new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * `hubspot.fetch` has no mock in @hubspot/ui-extensions/testing: it is replaced here with a table of routes
 * (`'GET /api/settings'`), each answering a value (sent as 200 JSON), a Response, or an Error (a failed fetch).
 * Unknown routes fail the test loudly. Every call is recorded with its query and body.
 */
export function fakeBackend(routes: Record<string, Route>) {
  const calls: Call[] = [];
  const table = new Map(Object.entries(routes));
  const spy = jest.spyOn(hubspot, 'fetch').mockImplementation(async (url, options) => {
    const target = new URL(String(url));
    const call: Call = {
      method: options?.method ?? 'GET',
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      body: options?.body,
    };
    calls.push(call);
    if (target.origin !== BACKEND_URL) throw new Error(`fetch to an unexpected origin: ${target.origin}`);
    const key = `${call.method} ${call.path}`;
    if (!table.has(key)) throw new Error(`no fake route for ${key}`);
    const route = table.get(key);
    const reply = typeof route === 'function' ? (route as Handler)(call) : route;
    if (reply instanceof Error) throw reply;
    return reply instanceof Response ? reply : answer(200, reply);
  });
  return {
    calls,
    /** Changes what a route answers from now on. */
    route(key: string, handler: Route) {
      table.set(key, handler);
    },
    callsTo: (key: string) => calls.filter((c) => `${c.method} ${c.path}` === key),
    restore: () => spy.mockRestore(),
  };
}
