import type { QboEnvironment } from './endpoints';

/**
 * Where a QBO record opens in QuickBooks' own web app. Not in the API reference: these are the addresses QBO's web
 * app itself uses (`/app/invoice?txnId=`, `/app/recvpayment?txnId=`, `/app/customerdetail?nameId=`), on the sandbox
 * host for sandbox companies. Items have no page of their own (they open from the product list), so no link.
 */
const QBO_APP_URL: Record<QboEnvironment, string> = { production: 'https://app.qbo.intuit.com', sandbox: 'https://app.sandbox.qbo.intuit.com' };

const PAGES = {
  Invoice: '/app/invoice?txnId=',
  Payment: '/app/recvpayment?txnId=',
  Customer: '/app/customerdetail?nameId=',
} as const;

export type LinkedQboEntity = keyof typeof PAGES;

export const qboAppLink = (environment: QboEnvironment, entity: LinkedQboEntity, id: string): string =>
  `${QBO_APP_URL[environment]}${PAGES[entity]}${encodeURIComponent(id)}`;
