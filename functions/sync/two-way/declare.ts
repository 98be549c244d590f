import { changedIds, type Flow } from '../flow';
import { validateMappings } from '../shared/mappings';
import { reconcile, syncChanged } from './changes';
import { firstSync, preview, type FirstSyncPreview } from './first-sync';
import type { TwoWayFlow } from './flow';
import { openRun, type SyncCounts } from './run';
import { defaultFlowSettings, EditableFlowSettingsSchema, FlowSettingsSchema, type FlowSettings } from './settings';

export type TwoWaySync = Flow<FlowSettings, SyncCounts, FirstSyncPreview>;

/**
 * A two-way flow (HubSpot object ⇄ QBO entity) as the runner runs it: what makes it this flow is its spec (fields,
 * matching, how a new QBO entity is made); everything else is the shared two-way engine in this folder.
 */
export function twoWayFlow(spec: TwoWayFlow<never>, label: string): TwoWaySync {
  const s = spec as TwoWayFlow;
  return {
    name: s.object,
    label,
    direction: 'two_way',
    listensTo: { hubspot: [s.hubspotType], qbo: [s.qboEntity] },
    qboIdProperties: [{ hubspotType: s.hubspotType, property: s.qboIdProperty }],
    settings: {
      stored: FlowSettingsSchema,
      editable: EditableFlowSettingsSchema,
      defaults: () => defaultFlowSettings(s.defaultMappings, s.defaultSettings),
      check: (settings) => validateMappings(settings.mappings, Object.keys(s.qboFields)),
    },
    changed: (ctx, changes) =>
      syncChanged(openRun(ctx, s), { hubspotIds: changedIds(changes, 'hubspot', s.hubspotType), qboIds: changedIds(changes, 'qbo', s.qboEntity) }),
    reconcile: (ctx) => reconcile(openRun(ctx, s)),
    firstSync: (ctx, progress) => firstSync(openRun(ctx, s), progress),
    preview: (ctx) => preview(openRun(ctx, s)),
    async retryOf(failed) {
      // A failure names the HubSpot record when there is one (its QBO twin is read through the link), else the QBO entity.
      const hubspotIds = [...new Set(failed.flatMap((e) => (e.hubspotId ? [e.hubspotId] : [])))];
      const qboIds = [...new Set(failed.flatMap((e) => (!e.hubspotId && e.qboId ? [e.qboId] : [])))];
      return { hubspot: { [s.hubspotType]: hubspotIds }, qbo: { [s.qboEntity]: qboIds } };
    },
  };
}
