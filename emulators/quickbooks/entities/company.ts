/**
 * CompanyInfo and Preferences: read and query only in the emulator.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/preferences
 */
import { faults } from '../errors';
import type { EntityDef } from './types';

const readOnly = (name: 'CompanyInfo' | 'Preferences', queryable: EntityDef['queryable']): EntityDef => ({
  name,
  nameList: false,
  operations: new Set(),
  writable: {},
  system: [],
  queryable,
  build() {
    throw faults.unsupportedOperation(`update for ${name}`);
  },
});

export const companyInfo = readOnly('CompanyInfo', {
  Id: 'id',
  CompanyName: 'string',
  'MetaData.CreateTime': 'datetime',
  'MetaData.LastUpdatedTime': 'datetime',
});
export const preferencesDef = readOnly('Preferences', { 'MetaData.CreateTime': 'datetime', 'MetaData.LastUpdatedTime': 'datetime' });
