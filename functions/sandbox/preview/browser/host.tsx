import { createRemoteReceiver, release, retain, type RemoteReceiver } from '@remote-ui/core';
import { createController, RemoteRenderer, type Controller } from '@remote-ui/react/host';
import { createEndpoint } from '@remote-ui/rpc';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { PREVIEW_PREFIX, type BootExtension, type Persona, type PreviewBoot, type PreviewRecord, type WorkerApi } from '../boot';
import { ErrorState, LoadingSpinner } from './components/content';
import { RecordContext, type CrmRecordContext } from './components/crm';
import { OverlayHeader } from './components/overlay-header';
import { componentFor } from './components/registry';
import { OverlayProvider, setExtensionErrorReporter } from './runtime';
import css from './styles.css';

/**
 * The preview page: HubSpot's part around the app's extensions. It lists what can be previewed, lets the person
 * choose who they are, draws the settings page or a record page with its cards, runs each extension in its own
 * worker and draws the tree the extension renders (remote-ui), and shows the alerts extensions raise.
 */
const boot = JSON.parse(document.getElementById('preview-boot')!.textContent) as PreviewBoot;

const controller: Controller = { get: componentFor as Controller['get'], renderer: createController({}).renderer };

type AlertType = 'info' | 'warning' | 'success' | 'danger' | 'tip';
interface PageAlert {
  id: number;
  type: AlertType;
  title: string | undefined;
  message: string;
}

const href = (path: string, persona: Persona) => `${PREVIEW_PREFIX}${path}?as=${persona.id}`;
const personaLabel = (p: Persona) => `${[p.firstName, p.lastName].filter(Boolean).join(' ')} · ${p.superAdmin ? 'super admin' : 'no admin rights'}`;

function App() {
  const [alerts, setAlerts] = useState<PageAlert[]>([]);
  const next = useRef(0);
  const addAlert = useCallback((alert: { type?: AlertType | undefined; title?: string | undefined; message: string }) => {
    setAlerts((list) => [...list, { id: next.current++, type: alert.type ?? 'info', title: alert.title, message: alert.message }]);
  }, []);
  useEffect(() => setExtensionErrorReporter((message) => addAlert({ type: 'danger', title: 'The extension failed', message })), [addAlert]);

  const { view } = boot;
  return (
    <div className="pv">
      <TopBar />
      <main className="pv-main">
        {alerts.length > 0 && (
          <div className="pv-alerts">
            {alerts.map((a) => (
              <div key={a.id} role="alert" data-testid="page-alert" className={`hs-alert hs-alert--${a.type} pv-alert`}>
                <div>
                  {a.title && <div className="hs-alert__title">{a.title}</div>}
                  <div className="hs-alert__body">{a.message}</div>
                </div>
                <button type="button" className="hs-close" aria-label="Dismiss" onClick={() => setAlerts((list) => list.filter((x) => x.id !== a.id))}>
                  ✕
                </button>
              </div>
            ))}
          </div>
        )}
        {boot.problems.length > 0 && (
          <div role="alert" className="hs-alert hs-alert--warning">
            <div className="hs-alert__title">Some extension files could not be read</div>
            <ul>
              {boot.problems.map((p) => (
                <li key={p}>
                  <code>{p}</code>
                </li>
              ))}
            </ul>
          </div>
        )}
        {view.kind === 'index' && <IndexPage view={view} />}
        {view.kind === 'settings' && <SettingsPage extension={view.extension} addAlert={addAlert} />}
        {view.kind === 'record' && <RecordPage record={view.record} siblings={view.siblings} extensions={view.extensions} addAlert={addAlert} />}
      </main>
    </div>
  );
}

function TopBar() {
  return (
    <header className="pv-top">
      <a className="pv-brand" href={href('/', boot.persona)}>
        <span className="pv-brand__mark" aria-hidden>
          ⬢
        </span>
        HubSpot <span className="pv-brand__sub">local preview · sandbox</span>
      </a>
      <nav className="pv-nav">
        <a href={href('/', boot.persona)}>Index</a>
        <a href={href('/settings', boot.persona)}>Settings page</a>
      </nav>
      <label className="pv-persona">
        <span>Acting as</span>
        <select
          aria-label="Acting as"
          value={String(boot.persona.id)}
          onChange={(e) => {
            const url = new URL(window.location.href);
            url.searchParams.set('as', e.target.value);
            window.location.assign(url.toString());
          }}
        >
          {boot.personas.map((p) => (
            <option key={p.id} value={String(p.id)}>
              {personaLabel(p)}
            </option>
          ))}
        </select>
      </label>
    </header>
  );
}

function IndexPage({ view }: { view: Extract<PreviewBoot['view'], { kind: 'index' }> }) {
  return (
    <div className="pv-index">
      <h1>{boot.appName}</h1>
      <p className="pv-lead">
        The app's own UI extensions from <code>src/app</code>, drawn by a local host in place of HubSpot and calling the running backend with requests signed as
        HubSpot signs them. Choose who you are at the top right.
      </p>
      <section className="pv-section">
        <h2>Settings page</h2>
        {view.settings ? (
          <a className="pv-link-card" href={href('/settings', boot.persona)}>
            Open the settings page
          </a>
        ) : (
          <p className="pv-muted">
            No settings page yet: add one under <code>src/app/settings/</code>.
          </p>
        )}
      </section>
      <section className="pv-section">
        <h2>Cards</h2>
        {view.cards.length === 0 && (
          <p className="pv-muted">
            No cards yet: add one under <code>src/app/cards/</code>.
          </p>
        )}
        {view.cards.map((card) => (
          <div key={card.uid} className="pv-card-list">
            <h3>{card.title}</h3>
            {card.records.length === 0 && <p className="pv-muted">The demo portal has no records this card is shown on.</p>}
            <ul>
              {card.records.map((r) => (
                <li key={`${r.objectTypeId}/${r.id}`}>
                  <a href={href(`/records/${r.objectTypeId}/${r.id}`, boot.persona)}>{r.label}</a>
                  <span className="pv-muted"> {r.summary.map((s) => s.value).join(' · ')}</span>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
    </div>
  );
}

function SettingsPage({ extension, addAlert }: { extension: BootExtension | undefined; addAlert: AddAlert }) {
  return (
    <div className="pv-settings">
      <div className="pv-breadcrumb">Connected apps › {boot.appName}</div>
      <h1>{boot.appName}</h1>
      <div className="pv-page-tabs">
        <span className="pv-page-tab pv-page-tab--active">Settings</span>
      </div>
      <div className="pv-surface">
        {extension ? (
          <ExtensionFrame extension={extension} addAlert={addAlert} />
        ) : (
          <p className="pv-muted">
            The project has no settings page yet (<code>src/app/settings/*-hsmeta.json</code>).
          </p>
        )}
      </div>
    </div>
  );
}

const OBJECT_NAMES: Record<string, string> = { '0-1': 'Contact', '0-2': 'Company', '0-3': 'Deal', '0-5': 'Ticket' };

function RecordPage({
  record,
  siblings,
  extensions,
  addAlert,
}: {
  record: PreviewRecord;
  siblings: PreviewRecord[];
  extensions: BootExtension[];
  addAlert: AddAlert;
}) {
  const middle = extensions.filter((e) => e.location === 'crm.record.tab');
  const side = extensions.filter((e) => e.location !== 'crm.record.tab');
  const [selected, setSelected] = useState(middle[0]?.uid);
  const objectName = OBJECT_NAMES[record.objectTypeId] ?? 'Record';
  return (
    <div className={side.length > 0 ? 'pv-record pv-record--with-side' : 'pv-record'}>
      <aside className="pv-record__about">
        <div className="pv-record__type">{objectName}</div>
        <h1>{record.label}</h1>
        <dl className="hs-dl hs-dl--column">
          {record.summary.map((s) => (
            <div key={s.label} className="hs-dl__item">
              <dt>{s.label}</dt>
              <dd>{s.value}</dd>
            </div>
          ))}
        </dl>
        <label className="pv-switch-record">
          <span>Open another {objectName.toLowerCase()}</span>
          <select
            aria-label={`Open another ${objectName.toLowerCase()}`}
            value={record.id}
            onChange={(e) => window.location.assign(href(`/records/${record.objectTypeId}/${e.target.value}`, boot.persona))}
          >
            {siblings.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </aside>
      <section className="pv-record__middle">
        <div className="pv-page-tabs" role="tablist">
          {middle.map((e) => (
            <button
              key={e.uid}
              type="button"
              role="tab"
              aria-selected={e.uid === selected}
              className={`pv-page-tab ${e.uid === selected ? 'pv-page-tab--active' : ''}`}
              onClick={() => setSelected(e.uid)}
            >
              {e.title}
            </button>
          ))}
        </div>
        {middle.length === 0 && <p className="pv-muted">No card of the app is placed in the middle column of this record (crm.record.tab).</p>}
        {middle.map(
          (e) =>
            e.uid === selected && (
              <div key={e.uid} className="pv-surface">
                <ExtensionFrame extension={e} addAlert={addAlert} />
              </div>
            ),
        )}
      </section>
      {side.length > 0 && (
        <aside className="pv-record__side">
          {side.map((e) => (
            <div key={e.uid} className="pv-surface pv-surface--side">
              <h2 className="pv-side-title">{e.title}</h2>
              <ExtensionFrame extension={e} addAlert={addAlert} />
            </div>
          ))}
        </aside>
      )}
    </div>
  );
}

type AddAlert = (alert: { type?: AlertType | undefined; title?: string | undefined; message: string }) => void;
type Overlays = { close(id: string): void } | null;

/** One extension in its worker: the actions HubSpot offers its location, and the tree it renders. */
function ExtensionFrame({ extension, addAlert }: { extension: BootExtension; addAlert: AddAlert }) {
  const [receiver, setReceiver] = useState<RemoteReceiver | null>(null);
  const [started, setStarted] = useState(false);
  const [failure, setFailure] = useState<string | null>(extension.buildError ?? null);
  const [iframe, setIframe] = useState<{ uri: string; title?: string | undefined; width: number; height: number; onClose?: (() => void) | undefined } | null>(
    null,
  );
  const overlays = useRef<Overlays>(null);
  const crm = extension.context.crm;

  const crmProperties = useCallback(
    async (names: string[] | '*') => {
      if (!crm) return {};
      const query = names === '*' ? '' : `?properties=${encodeURIComponent(names.join(','))}`;
      const res = await fetch(`${PREVIEW_PREFIX}/api/hubspot/crm/v3/objects/${crm.objectTypeId}/${crm.objectId}${query}`);
      const body = (await res.json()) as { properties: Record<string, string> };
      return names === '*' ? body.properties : Object.fromEntries(names.map((n) => [n, body.properties[n] ?? '']));
    },
    [crm],
  );

  const record = useMemo<CrmRecordContext | null>(
    () => (crm ? { ...crm, addAlert: (a) => addAlert({ type: a.type, title: a.title, message: a.message }) } : null),
    [crm, addAlert],
  );

  useEffect(() => {
    if (!extension.scriptUrl) return;
    const worker = new Worker(extension.scriptUrl);
    const endpoint = createEndpoint<WorkerApi>(worker);
    const remote = createRemoteReceiver();
    setReceiver(remote);
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      setFailure(e.message || 'The extension stopped with an error (see the browser console).');
    });
    const platform = {
      addAlert: (a: { type?: AlertType; title?: string; message: string }) => addAlert(a),
      reloadPage: () => window.location.reload(),
      closeOverlay: (id: string) => overlays.current?.close(id),
      copyTextToClipboard: (text: string) => navigator.clipboard.writeText(text),
      navigateToPage: ({ to }: { to: string }) =>
        addAlert({ type: 'info', title: 'navigateToPage', message: `HubSpot would open the app page "${to}"; the preview has no app pages.` }),
      openIframeModal: (action: { uri: string; title?: string; width: number; height: number }, onClose?: () => void) => {
        if (onClose) retain(onClose);
        setIframe({ ...action, onClose });
      },
    };
    const crmActions = {
      fetchCrmObjectProperties: crmProperties,
      refreshObjectProperties: () => undefined,
      onCrmPropertiesUpdate: (names: string[] | '*', callback: (p: Record<string, string>, error?: { message: string }) => void) => {
        retain(callback);
        crmProperties(names).then(
          (p) => callback(p),
          (err: unknown) => callback({}, { message: err instanceof Error ? err.message : String(err) }),
        );
      },
    };
    const actions = crm ? { ...platform, ...crmActions } : platform;
    endpoint.call.start(remote.receive, { context: extension.context, actions: actions }).then(
      () => setStarted(true),
      (err: unknown) => setFailure(err instanceof Error ? err.message : String(err)),
    );
    return () => endpoint.terminate();
  }, [extension, addAlert, crmProperties, crm]);

  if (failure) {
    return (
      <ErrorState title={extension.buildError ? `${extension.title} does not build` : `${extension.title} stopped with an error`}>
        <pre className="pv-error">{failure}</pre>
      </ErrorState>
    );
  }
  return (
    <OverlayProvider controlRef={overlays as never}>
      <RecordContext.Provider value={record}>
        <div className="pv-extension" data-extension={extension.uid}>
          {!started && <LoadingSpinner label={`Loading ${extension.title}`} showLabel layout="centered" />}
          {receiver && <RemoteRenderer receiver={receiver} controller={controller} />}
        </div>
      </RecordContext.Provider>
      {iframe && (
        <IframeModal
          {...iframe}
          close={() => {
            iframe.onClose?.();
            if (iframe.onClose) release(iframe.onClose);
            setIframe(null);
          }}
        />
      )}
    </OverlayProvider>
  );
}

function IframeModal({
  uri,
  title,
  width,
  height,
  close,
}: {
  uri: string;
  title?: string | undefined;
  width: number;
  height: number;
  close: () => void;
}): ReactNode {
  return createPortal(
    <div className="hs-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div role="dialog" aria-label={title ?? 'Embedded page'} className="hs-modal" style={{ width: Math.min(width, window.innerWidth - 32) }}>
        <OverlayHeader className="hs-modal__header" title={title} close={close} />
        <iframe title={title ?? 'Embedded page'} src={uri} style={{ width: '100%', height: Math.min(height, window.innerHeight - 120), border: 0 }} />
      </div>
    </div>,
    document.body,
  );
}

const style = document.createElement('style');
style.textContent = css;
document.head.append(style);
createRoot(document.getElementById('root')!).render(<App />);
