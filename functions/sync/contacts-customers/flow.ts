import { customerFields } from '../../quickbooks/fields';
import type { QboCustomer } from '../../quickbooks/schemas';
import { twoWay } from '../shared/mappings';
import type { TwoWayFlow } from '../two-way/flow';

/**
 * Contacts ⇄ Customers. Matched by e-mail on first sync (HubSpot contacts are unique by e-mail; QBO customers carry it
 * in PrimaryEmailAddr). QBO requires a DisplayName unique across customers, vendors and employees (error 6240,
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer), derived here from the
 * person's name, company or e-mail.
 */
export const contactsCustomers: TwoWayFlow<QboCustomer> = {
  object: 'contacts',
  label: { hubspot: 'contact', qbo: 'customer' },
  hubspotType: 'contacts',
  qboEntity: 'Customer',
  qboIdProperty: 'qbo_customer_id',
  qboFields: customerFields,
  fieldKinds: { email: 'email' },
  defaultMappings: [
    twoWay('email', 'email'),
    twoWay('firstname', 'givenName'),
    twoWay('lastname', 'familyName'),
    twoWay('company', 'companyName'),
    twoWay('phone', 'phone'),
    twoWay('mobilephone', 'mobile'),
    twoWay('website', 'website'),
    twoWay('address', 'billStreet'),
    twoWay('city', 'billCity'),
    twoWay('state', 'billState'),
    twoWay('zip', 'billPostalCode'),
    twoWay('country', 'billCountry'),
  ],
  matchOn: [{ hubspotProperty: 'email', qboField: 'email', qboQueryField: 'PrimaryEmailAddr', kind: 'email' }],
  newQboEntity(values) {
    const draft: Record<string, unknown> = {};
    const person = [values['firstname'], values['lastname']].filter(Boolean).join(' ');
    draft['DisplayName'] = person || values['company'] || values['email'] || 'HubSpot contact';
    return draft;
  },
  renameOnDuplicate(entity, attempt, values) {
    const base = String(entity['DisplayName']).replace(/ \(.*\)$/, '');
    const email = values['email'];
    const suffix = attempt === 1 && email ? email : String(attempt);
    return { ...entity, DisplayName: `${base} (${suffix})` };
  },
};
