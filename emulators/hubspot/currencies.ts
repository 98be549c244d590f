import type { EmulatorState } from './state';

/**
 * The portal's currencies: its company currency plus the additional currencies an admin added, each with an
 * exchange rate to the company currency (Settings API | Currencies,
 * https://developers.hubspot.com/docs/api/settings/currencies; KB "Add and edit your account currencies").
 * The currency properties of deals, line items and invoices take only these. A new portal has just its company
 * currency; tests add more through the seed (`currencies`), as an admin would in Settings. Exchange rates are
 * not emulated: no emulated endpoint converts amounts.
 */
export interface PortalCurrencies {
  company: string;
  additional: string[];
}

export const DEFAULT_CURRENCIES: PortalCurrencies = { company: 'USD', additional: [] };

/** HubSpot-defined properties whose values are the portal's currency codes. */
const CURRENCY_PROPERTIES = [
  ['deals', 'deal_currency_code'],
  ['line_items', 'hs_line_item_currency_code'],
  ['invoices', 'hs_currency'],
] as const;

export function setPortalCurrencies(state: EmulatorState, currencies: PortalCurrencies): void {
  const codes = [...new Set([currencies.company, ...currencies.additional])];
  const bad = codes.find((c) => !/^[A-Z]{3}$/.test(c));
  if (bad !== undefined) throw new Error(`currencies: ${bad} is not an ISO 4217 code`);
  state.currencies = { company: currencies.company, additional: codes.slice(1) };
  for (const [type, name] of CURRENCY_PROPERTIES) {
    const def = state.properties[type].get(name);
    if (def) def.options = codes.map((value, displayOrder) => ({ label: value, value, displayOrder, hidden: false }));
  }
}
