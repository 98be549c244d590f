/**
 * Where the Accounting API v3 lives (https://developer.intuit.com/app/developer/qbo/docs/get-started/create-a-request).
 * Each request URL is `<base><realmId>/<entity>`; config picks one, and tests and sandbox mode pass the emulator's
 * `<url>/v3/company/` instead.
 */
export const QBO_API_BASE = {
  production: 'https://quickbooks.api.intuit.com/v3/company/',
  sandbox: 'https://sandbox-quickbooks.api.intuit.com/v3/company/',
} as const;

export type QboEnvironment = keyof typeof QBO_API_BASE;

/** The base for the API served at an origin other than Intuit's: the emulator's, or a proxy's (`QBO_API_BASE_URL`). */
export const qboApiBase = (url: string): string => `${url.replace(/\/+$/, '')}/v3/company/`;
