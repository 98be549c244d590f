import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config';
import { QBO_API_BASE, qboApiBase } from '../quickbooks/endpoints';

/** Where and as whom the backend talks to HubSpot and QBO: the live services, or the emulators in sandbox mode. */
export interface ProviderSettings {
  /** The backend's public origin: OAuth redirects and the URLs HubSpot signs webhook requests with. */
  publicUrl: string;
  hubspot: {
    appId: string;
    clientId: string;
    clientSecret: string;
    apiBaseUrl: string;
    authorizeUrl: string;
    scopes: string[];
  };
  quickbooks: {
    clientId: string;
    clientSecret: string;
    webhookVerifierToken: string;
    environment: 'sandbox' | 'production';
    apiEndpoint: string;
    oauthEndpoints?: { authorizeEndpoint: string; tokenEndpoint: string; revokeEndpoint: string };
  };
}

const APP_HSMETA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/app/app-hsmeta.json');

/** The scopes the app asks HubSpot for are the ones its project declares: one list, in app-hsmeta.json. */
export function hubspotScopes(): string[] {
  const meta = JSON.parse(readFileSync(APP_HSMETA, 'utf8')) as { config: { auth: { requiredScopes: string[] } } };
  return meta.config.auth.requiredScopes;
}

/** Live mode: everything comes from configuration (config.ts has already required it). */
export function liveProviderSettings(config: Config): ProviderSettings {
  const need = (v: string | undefined, key: string) => {
    if (v === undefined) throw new Error(`${key} is required in live mode`);
    return v;
  };
  return {
    publicUrl: need(config.publicUrl, 'PUBLIC_URL'),
    hubspot: {
      appId: need(config.hubspot.appId, 'HUBSPOT_APP_ID'),
      clientId: need(config.hubspot.clientId, 'HUBSPOT_CLIENT_ID'),
      clientSecret: need(config.hubspot.clientSecret, 'HUBSPOT_CLIENT_SECRET'),
      apiBaseUrl: config.hubspot.apiBaseUrl,
      authorizeUrl: config.hubspot.authorizeUrl,
      scopes: hubspotScopes(),
    },
    quickbooks: {
      clientId: need(config.quickbooks.clientId, 'QBO_CLIENT_ID'),
      clientSecret: need(config.quickbooks.clientSecret, 'QBO_CLIENT_SECRET'),
      webhookVerifierToken: need(config.quickbooks.webhookVerifierToken, 'QBO_WEBHOOK_VERIFIER_TOKEN'),
      environment: config.quickbooks.environment,
      apiEndpoint: config.quickbooks.apiBaseUrl === undefined ? QBO_API_BASE[config.quickbooks.environment] : qboApiBase(config.quickbooks.apiBaseUrl),
      ...(config.quickbooks.oauthEndpoints === undefined ? {} : { oauthEndpoints: config.quickbooks.oauthEndpoints }),
    },
  };
}
