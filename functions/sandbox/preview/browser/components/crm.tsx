import type {
  CrmActionButtonProps,
  CrmActionLinkProps,
  CrmAssociationPropertyListProps,
  CrmAssociationTableProps,
  CrmDataHighlightProps,
  CrmPropertyListProps,
  CrmStageTrackerProps,
} from '@hubspot/ui-extensions/crm';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { hubspotApi } from '../hubspot-api';
import { call, cx, size } from '../runtime';
import { DescriptionList, DescriptionListItem, ErrorState, LoadingSpinner, Statistics, StatisticsItem } from './content';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from './table';

/**
 * The `@hubspot/ui-extensions/crm` components that make sense offline: they show the current record's properties,
 * stage and associations from the HubSpot emulator, with the property labels HubSpot's own UI would show.
 * Action components open what the preview can open (an external URL) and say what it cannot.
 */
export interface CrmRecordContext {
  objectTypeId: string;
  objectId: number;
  addAlert(alert: { type: 'info'; title: string; message: string }): void;
}
export const RecordContext = createContext<CrmRecordContext | null>(null);

interface PropertyDefinition {
  name: string;
  label: string;
  type: string;
  options?: { label: string; value: string }[];
}

interface Pipeline {
  id: string;
  label: string;
  stages: { id: string; label: string; displayOrder: number }[];
}
const pipelines = (objectTypeId: string) => hubspotApi<{ results: Pipeline[] }>(`/crm/v3/pipelines/${objectTypeId}`).then((r) => r.results);

const definitions = new Map<string, Promise<Map<string, PropertyDefinition>>>();
function propertyDefinitions(objectTypeId: string) {
  let found = definitions.get(objectTypeId);
  if (!found) {
    found = (async () => {
      const defs = new Map((await hubspotApi<{ results: PropertyDefinition[] }>(`/crm/v3/properties/${objectTypeId}`)).results.map((p) => [p.name, p]));
      if (objectTypeId === '0-3') {
        // HubSpot's UI names a deal's pipeline and stage by their labels, which live in the pipelines API.
        const all = await pipelines(objectTypeId);
        const withOptions = (name: string, options: { label: string; value: string }[]) => {
          const def = defs.get(name);
          if (def && !def.options?.length) defs.set(name, { ...def, options });
        };
        withOptions(
          'pipeline',
          all.map((p) => ({ label: p.label, value: p.id })),
        );
        withOptions(
          'dealstage',
          all.flatMap((p) => p.stages.map((st) => ({ label: st.label, value: st.id }))),
        );
      }
      return defs;
    })();
    definitions.set(objectTypeId, found);
  }
  return found;
}

/** A property as HubSpot's UI shows it: the option label for enumerations, a readable date or number. */
function display(def: PropertyDefinition | undefined, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '--';
  if (!def) return value;
  if (def.options?.length)
    return value
      .split(';')
      .map((v) => def.options!.find((o) => o.value === v)?.label ?? v)
      .join(', ');
  if (def.type === 'number' && Number.isFinite(Number(value))) return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(Number(value));
  if ((def.type === 'date' || def.type === 'datetime') && !Number.isNaN(Date.parse(value))) {
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', ...(def.type === 'datetime' ? { timeStyle: 'short' } : {}), timeZone: 'UTC' }).format(
      new Date(value),
    );
  }
  return value;
}

type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; value: T };

function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    load().then(
      (value) => live && setLoaded({ state: 'ready', value }),
      (err: unknown) => live && setLoaded({ state: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
    // The caller lists what `load` reads, as it would for useEffect itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return loaded;
}

function useRecord(): CrmRecordContext {
  const record = useContext(RecordContext);
  if (!record) throw new Error('CRM components are shown only in cards on a CRM record.');
  return record;
}

function Loading({ loaded, label, children }: { loaded: Loaded<unknown>; label: string; children: () => ReactNode }) {
  if (loaded.state === 'loading') return <LoadingSpinner label={label} showLabel />;
  if (loaded.state === 'error') return <ErrorState title={`Could not load ${label.toLowerCase()}`}>{loaded.message}</ErrorState>;
  return <>{children()}</>;
}

async function readProperties(objectTypeId: string, objectId: number, names: string[]) {
  const [defs, found] = await Promise.all([
    propertyDefinitions(objectTypeId),
    hubspotApi<{ properties: Record<string, string | null> }>(`/crm/v3/objects/${objectTypeId}/${objectId}?properties=${encodeURIComponent(names.join(','))}`),
  ]);
  return names.map((name) => ({ name, label: defs.get(name)?.label ?? name, value: display(defs.get(name), found.properties[name]) }));
}

function usePropertyValues(properties: string[], objectTypeId?: string, objectId?: number) {
  const record = useRecord();
  const type = objectTypeId ?? record.objectTypeId;
  const id = objectId ?? record.objectId;
  return useLoad(() => readProperties(type, id, properties), [type, id, properties.join(',')]);
}

export function CrmPropertyList({ properties, direction = 'column', objectTypeId, objectId }: CrmPropertyListProps) {
  const loaded = usePropertyValues(properties, objectTypeId, objectId);
  return (
    <Loading loaded={loaded} label="Properties">
      {() => (
        <DescriptionList direction={direction === 'row' ? 'row' : 'column'}>
          {loaded.state === 'ready' &&
            loaded.value.map((p) => (
              <DescriptionListItem key={p.name} label={p.label}>
                {p.value}
              </DescriptionListItem>
            ))}
        </DescriptionList>
      )}
    </Loading>
  );
}

export function CrmDataHighlight({ properties, objectTypeId, objectId }: CrmDataHighlightProps) {
  const loaded = usePropertyValues(properties, objectTypeId, objectId);
  return (
    <Loading loaded={loaded} label="Properties">
      {() => <Statistics>{loaded.state === 'ready' && loaded.value.map((p) => <StatisticsItem key={p.name} label={p.label} number={p.value} />)}</Statistics>}
    </Loading>
  );
}

export function CrmStageTracker({ properties, showProperties = true, objectTypeId, objectId }: CrmStageTrackerProps) {
  const record = useRecord();
  const type = objectTypeId ?? record.objectTypeId;
  const id = objectId ?? record.objectId;
  const loaded = useLoad(async () => {
    const deal = await hubspotApi<{ properties: Record<string, string | null> }>(`/crm/v3/objects/${type}/${id}?properties=pipeline,dealstage`);
    const all = await pipelines(type);
    const pipeline = all.find((p) => p.id === deal.properties.pipeline) ?? all[0];
    const stages = [...(pipeline?.stages ?? [])].sort((a, b) => a.displayOrder - b.displayOrder);
    return { stages, current: stages.findIndex((s) => s.id === deal.properties.dealstage), values: await readProperties(type, id, properties) };
  }, [type, id, properties.join(',')]);
  return (
    <Loading loaded={loaded} label="Stage">
      {() =>
        loaded.state === 'ready' && (
          <div>
            <ol className="hs-stage-tracker">
              {loaded.value.stages.map((s, i) => (
                <li key={s.id} className={cx(i < loaded.value.current && 'hs-stage--done', i === loaded.value.current && 'hs-stage--current')}>
                  {s.label}
                </li>
              ))}
            </ol>
            {showProperties && (
              <DescriptionList direction="row">
                {loaded.value.values.map((p) => (
                  <DescriptionListItem key={p.name} label={p.label}>
                    {p.value}
                  </DescriptionListItem>
                ))}
              </DescriptionList>
            )}
          </div>
        )
      }
    </Loading>
  );
}

async function associated(objectTypeId: string, objectId: number, toObjectTypeId: string, properties: string[]) {
  const links = await hubspotApi<{ results: { toObjectId: number | string }[] }>(
    `/crm/v4/objects/${objectTypeId}/${objectId}/associations/${toObjectTypeId}?limit=500`,
  );
  if (links.results.length === 0) return { labels: [] as string[], rows: [] as string[][] };
  const [defs, read] = await Promise.all([
    propertyDefinitions(toObjectTypeId),
    hubspotApi<{ results: { id: string; properties: Record<string, string | null> }[] }>(`/crm/v3/objects/${toObjectTypeId}/batch/read`, {
      method: 'POST',
      body: { inputs: links.results.map((l) => ({ id: String(l.toObjectId) })), properties },
    }),
  ]);
  return {
    labels: properties.map((p) => defs.get(p)?.label ?? p),
    rows: read.results.map((r) => properties.map((p) => display(defs.get(p), r.properties[p]))),
  };
}

export function CrmAssociationTable({ objectTypeId, propertyColumns, pageSize = 5, pagination = true }: CrmAssociationTableProps) {
  const record = useRecord();
  const [page, setPage] = useState(1);
  const loaded = useLoad(() => associated(record.objectTypeId, record.objectId, objectTypeId, propertyColumns), [objectTypeId, propertyColumns.join(',')]);
  return (
    <Loading loaded={loaded} label="Associations">
      {() => {
        if (loaded.state !== 'ready') return null;
        const { labels, rows } = loaded.value;
        if (rows.length === 0) return <p className="hs-text hs-text--micro">No associated records.</p>;
        const pageCount = Math.max(1, Math.ceil(rows.length / pageSize));
        const shown = pagination ? rows.slice((page - 1) * pageSize, page * pageSize) : rows;
        const body = (
          <>
            <TableHead>
              <TableRow>
                {labels.map((l) => (
                  <TableHeader key={l}>{l}</TableHeader>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {shown.map((row, i) => (
                <TableRow key={i}>
                  {row.map((v, j) => (
                    <TableCell key={j}>{v}</TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </>
        );
        return pagination && pageCount > 1 ? (
          <Table paginated pageCount={pageCount} page={page} onPageChange={setPage}>
            {body}
          </Table>
        ) : (
          <Table>{body}</Table>
        );
      }}
    </Loading>
  );
}

export function CrmAssociationPropertyList({ objectTypeId, properties }: CrmAssociationPropertyListProps) {
  const record = useRecord();
  const loaded = useLoad(() => associated(record.objectTypeId, record.objectId, objectTypeId, properties), [objectTypeId, properties.join(',')]);
  return (
    <Loading loaded={loaded} label="Associated record">
      {() =>
        loaded.state === 'ready' &&
        (loaded.value.rows[0] ? (
          <DescriptionList>
            {loaded.value.labels.map((label, i) => (
              <DescriptionListItem key={label} label={label}>
                {loaded.value.rows[0]![i]}
              </DescriptionListItem>
            ))}
          </DescriptionList>
        ) : (
          <p className="hs-text hs-text--micro">No associated record.</p>
        ))
      }
    </Loading>
  );
}

/** What a CRM action would open in HubSpot; only an external URL exists outside it. */
function runAction(record: CrmRecordContext, actionType: string, actionContext: unknown, onError: ((errors: string[]) => void) | undefined) {
  if (actionType === 'EXTERNAL_URL') {
    const href = (actionContext as { href?: string }).href;
    if (href) window.open(href, '_blank', 'noopener');
    else call(onError, ['EXTERNAL_URL needs actionContext.href']);
    return;
  }
  record.addAlert({
    type: 'info',
    title: `${actionType} opens a HubSpot tool`,
    message: `In HubSpot this action opens ${actionType.toLowerCase().replace(/_/g, ' ')}; the local preview has no such tool.`,
  });
}

export function CrmActionButton({ children, actionType, actionContext, onError, onClick, variant = 'secondary', size: s, disabled }: CrmActionButtonProps) {
  const record = useRecord();
  return (
    <button
      type="button"
      className={cx('hs-button', `hs-button--${variant}`, `hs-button--${size(s, 'md')}`)}
      disabled={disabled}
      onClick={() => {
        call(onClick);
        runAction(record, actionType, actionContext, onError);
      }}
    >
      {children}
    </button>
  );
}

export function CrmActionLink({ children, actionType, actionContext, onError, onClick, variant = 'primary' }: CrmActionLinkProps) {
  const record = useRecord();
  return (
    <a
      href="#"
      className={cx('hs-link', `hs-link--${variant}`)}
      onClick={(e) => {
        e.preventDefault();
        call(onClick);
        runAction(record, actionType, actionContext, onError);
      }}
    >
      {children}
    </a>
  );
}
