/**
 * Drives the emulator the way the product will: node-quickbooks for data calls (its `endpoint`
 * redirected) and intuit-oauth for OAuth (`setAuthorizeURLs`), both unchanged.
 */
import OAuthClient from 'intuit-oauth';
import QuickBooks from 'node-quickbooks';
import { ManualClock } from '../../shared/clock';
import type { QuickBooksEmulatorOptions } from '../emulator';
import { startQuickBooksEmulator, type StartedQuickBooksEmulator } from '../start';

export interface Harness extends StartedQuickBooksEmulator {
  clock: ManualClock;
  qbo: QuickBooks;
  /** Calls a node-quickbooks method and resolves with its data (rejects with its error). */
  call<T = Record<string, any>>(method: string, ...args: unknown[]): Promise<T>;
  /** Calls a node-quickbooks method expecting failure; resolves with the QBO fault body. */
  fault(method: string, ...args: unknown[]): Promise<{ status: number; body: any; headers: Record<string, string> }>;
  oauthClient(): OAuthClient;
  client(accessToken: string, refreshToken?: string): QuickBooks;
}

export async function startHarness(options: QuickBooksEmulatorOptions = {}): Promise<Harness> {
  const clock = new ManualClock('2026-03-02T17:00:00.000Z');
  const started = await startQuickBooksEmulator({ clock, sleep: async () => undefined, ...options });
  const { info } = started;
  QuickBooks.TOKEN_URL = info.tokenEndpoint;
  (QuickBooks as unknown as { REVOKE_URL: string }).REVOKE_URL = info.revokeEndpoint;
  const client = (accessToken: string, refreshToken?: string): QuickBooks => {
    const q = new QuickBooks(info.clientId, info.clientSecret, accessToken, false, info.realmId, true, false, '75', '2.0', refreshToken ?? info.refreshToken);
    q.endpoint = `${info.url}/v3/company/`;
    return q;
  };
  const qbo = client(info.accessToken);
  const invoke = (q: QuickBooks, method: string, args: unknown[]) =>
    new Promise<{ err: any; data: any; res: any }>((resolve) => {
      const fn = (q as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
      if (typeof fn !== 'function') throw new Error(`node-quickbooks has no ${method}`);
      fn.call(q, ...args, (err: any, data: any, res: any) => resolve({ err, data, res }));
    });
  return {
    ...started,
    clock,
    qbo,
    client,
    async call(method, ...args) {
      const { err, data } = await invoke(qbo, method, args);
      if (err) throw new Error(`${method} failed: ${JSON.stringify(err.response?.data ?? err)}`);
      return data;
    },
    async fault(method, ...args) {
      const { err, res } = await invoke(qbo, method, args);
      if (!err) throw new Error(`${method} unexpectedly succeeded`);
      const response = err.response ?? res;
      return { status: response?.status ?? 200, body: response?.data ?? err, headers: response?.headers ?? {} };
    },
    oauthClient() {
      const c = new OAuthClient({ clientId: info.clientId, clientSecret: info.clientSecret, environment: 'sandbox', redirectUri: info.redirectUri });
      c.setAuthorizeURLs({
        authorizeEndpoint: info.authorizeEndpoint,
        tokenEndpoint: info.tokenEndpoint,
        revokeEndpoint: info.revokeEndpoint,
        userInfoEndpoint: `${info.url}/v1/openid_connect/userinfo`,
      });
      return c;
    },
  };
}

export const invoiceBody = (customerId: string, amount = 300, extra: Record<string, unknown> = {}) => ({
  CustomerRef: { value: customerId },
  Line: [
    {
      DetailType: 'SalesItemLineDetail',
      Amount: amount,
      Description: 'Consulting',
      SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 2, UnitPrice: amount / 2 },
    },
  ],
  ...extra,
});
