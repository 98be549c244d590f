import type { SignedFetchOptions } from '../../../emulators/hubspot/signed-fetch';
import { silentLogger } from '../../log';
import { createAppFetchProxy, FETCH_LIMITS } from './app-fetch';

/** The preview's hubspot.fetch proxy keeps HubSpot's rules; `sign` stands in for the HubSpot emulator's signer. */
describe('preview hubspot.fetch proxy', () => {
  const user = { id: 7001, email: 'sam.rep@example.com' };
  const sent: { url: string; opts: SignedFetchOptions }[] = [];
  let answer: (url: string, opts: SignedFetchOptions) => Promise<Response>;
  let deadline: AbortController;
  const proxy = createAppFetchProxy({
    permittedOrigins: ['https://app.example.com'],
    backendUrl: 'http://127.0.0.1:3000',
    sign: (url, opts) => {
      sent.push({ url, opts });
      return answer(url, opts);
    },
    log: silentLogger,
    deadline: () => deadline.signal,
  });
  beforeEach(() => {
    sent.length = 0;
    deadline = new AbortController();
    answer = async () => Response.json({ ok: true });
  });
  const error = async (res: Response) => (await res.json()) as { category: string; message: string };

  test("the production origin is served by the local backend, signed, with the app's JSON body", async () => {
    const res = await proxy(
      { url: 'https://app.example.com/api/settings/contacts?x=1', method: 'PUT', body: { on: true }, headers: { Authorization: 'Bearer t' } },
      user,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('http://127.0.0.1:3000/api/settings/contacts?x=1');
    expect(sent[0]!.opts).toMatchObject({ method: 'PUT', body: { on: true }, headers: { Authorization: 'Bearer t' } });
  });

  test('a GET carries no body, and the backend status and body reach the extension as they are', async () => {
    answer = async () => Response.json({ error: 'forbidden' }, { status: 403 });
    const res = await proxy({ url: 'http://127.0.0.1:3000/api/settings', body: { ignored: true } }, user);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'forbidden' });
    expect(sent[0]!.opts.body).toBeUndefined();
  });

  test('refused before sending: an origin outside permittedUrls, a relative URL, headers other than Authorization, a body over 1 MB', async () => {
    const other = await proxy({ url: 'https://evil.example.com/api' }, user);
    expect(other.status).toBe(403);
    expect((await error(other)).message).toMatch(/not in permittedUrls\.fetch/);
    expect((await proxy({ url: '/api/settings' }, user)).status).toBe(400);
    const headers = await proxy({ url: 'https://app.example.com/api', headers: { 'X-Custom': '1' } }, user);
    expect(headers.status).toBe(400);
    expect((await error(headers)).message).toMatch(/Only 'Authorization' header is allowed/);
    const big = await proxy({ url: 'https://app.example.com/api', method: 'POST', body: { blob: 'x'.repeat(FETCH_LIMITS.maxBytes) } }, user);
    expect(big.status).toBe(413);
    expect(sent).toHaveLength(0);
  });

  test('a backend that does not answer within the timeout gives 504 GATEWAY_TIMEOUT', async () => {
    answer = (_url, opts) => new Promise((_resolve, reject) => opts.signal!.addEventListener('abort', () => reject(new Error('aborted'))));
    const pending = proxy({ url: 'https://app.example.com/api/slow', timeout: 60_000 }, user);
    deadline.abort();
    const res = await pending;
    expect(res.status).toBe(504);
    expect((await error(res)).category).toBe('GATEWAY_TIMEOUT');
    expect(sent).toHaveLength(1);
  });

  test('one retry after a 5xx or a connection failure, not more', async () => {
    const answers = [Response.json({}, { status: 503 }), Response.json({ second: true })];
    answer = async () => answers.shift()!;
    const res = await proxy({ url: 'https://app.example.com/api', method: 'POST', body: {} }, user);
    expect(await res.json()).toEqual({ second: true });
    expect(sent).toHaveLength(2);

    sent.length = 0;
    answer = async () => {
      throw new TypeError('fetch failed');
    };
    const down = await proxy({ url: 'https://app.example.com/api' }, user);
    expect(down.status).toBe(502);
    expect((await error(down)).message).toMatch(/Network error/);
    expect(sent).toHaveLength(2);

    sent.length = 0;
    answer = async () => Response.json({ broken: true }, { status: 500 });
    expect((await proxy({ url: 'https://app.example.com/api' }, user)).status).toBe(500);
    expect(sent).toHaveLength(2);
  });

  test('a response over 1 MB is not passed on', async () => {
    answer = async () => new Response('x'.repeat(FETCH_LIMITS.maxBytes + 1));
    const res = await proxy({ url: 'https://app.example.com/api/huge' }, user);
    expect(res.status).toBe(502);
    expect((await error(res)).message).toMatch(/larger than 1 MB/);
  });

  test(`at most ${FETCH_LIMITS.maxInFlight} requests in flight; the next gets 429`, async () => {
    const release: (() => void)[] = [];
    answer = () => new Promise((resolve) => release.push(() => resolve(Response.json({}))));
    const running = Array.from({ length: FETCH_LIMITS.maxInFlight }, () => proxy({ url: 'https://app.example.com/api' }, user));
    const refused = await proxy({ url: 'https://app.example.com/api' }, user);
    expect(refused.status).toBe(429);
    expect((await error(refused)).category).toBe('RATE_LIMITS');
    release.forEach((r) => r());
    expect((await Promise.all(running)).map((r) => r.status)).toEqual(Array(FETCH_LIMITS.maxInFlight).fill(200));
    answer = async () => Response.json({});
    expect((await proxy({ url: 'https://app.example.com/api' }, user)).status).toBe(200);
  });
});
