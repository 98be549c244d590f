/**
 * Change Data Capture: objects of the listed entities changed since `changedSince`
 * (inclusive), inactive ones included, deleted ones as tombstones; at most 30 days back and 1,000
 * objects per response, shared across the requested entities.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
 */
import { faults } from '../errors';
import { entityByName } from '../entities';
import { changeKey, omitEmpty, table, tombstones, type JsonObject, type RealmState } from '../state/store';
import { metaTime } from '../time';

export const CDC_LOOKBACK_MS = 30 * 24 * 3600 * 1000;
export const CDC_MAX_OBJECTS = 1000;

export function changeDataCapture(realm: RealmState, now: Date, entities: string | undefined, changedSince: string | undefined): JsonObject {
  if (!entities) throw faults.requiredParam('entities');
  if (!changedSince) throw faults.requiredParam('changedSince');
  const since = Date.parse(changedSince);
  if (Number.isNaN(since)) throw faults.invalidValue('changedSince', `'${changedSince}' is not a valid date-time`);
  if (since < now.getTime() - CDC_LOOKBACK_MS) throw faults.invalidValue('changedSince', 'changedSince must be within the last 30 days');
  const defs = entities.split(',').map((name) => {
    const def = entityByName(name.trim());
    if (!def) throw faults.invalidValue('entities', `unknown entity ${name}`);
    return def;
  });
  let budget = CDC_MAX_OBJECTS;
  const responses: JsonObject[] = [];
  for (const def of defs) {
    const rows: { at: number; row: JsonObject }[] = [];
    for (const e of table(realm, def.name).values()) {
      const at = realm.changedAt.get(changeKey(def.name, String(e.Id)))?.getTime() ?? 0;
      if (at >= since) rows.push({ at, row: omitEmpty(e) });
    }
    for (const t of tombstones(realm, def.name).values()) {
      const at = t.deletedAt.getTime();
      if (at >= since)
        rows.push({ at, row: { Id: t.Id, status: 'Deleted', domain: 'QBO', MetaData: { LastUpdatedTime: metaTime(t.deletedAt, realm.timeZone) } } });
    }
    rows.sort((a, b) => a.at - b.at);
    const page = rows.slice(0, budget).map((r) => r.row);
    budget -= page.length;
    if (page.length) responses.push({ [def.name]: page, startPosition: 1, maxResults: page.length });
  }
  // An empty capture is `[{}]` (python-quickbooks tests/unit/test_cdc.py).
  return { CDCResponse: [{ QueryResponse: responses.length ? responses : [{}] }] };
}
