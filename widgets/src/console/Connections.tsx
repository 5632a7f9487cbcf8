/**
 * Connections list: one row per system with its status and Connect / Disconnect. OAuth systems
 * navigate to the broker's start URL; NetSuite and Vitally open an inline credential form.
 */
import { useCallback, useState } from 'preact/hooks';
import { formatDate, humanize, sentence, systemName } from '../shared/format.js';
import { describeError } from '../shared/result.js';
import { Badge, Section, type Tone } from '../shared/ui.js';
import { NetSuiteForm, VitallyForm } from './CredentialForms.js';
import { LoadFailure } from './LoadFailure.js';
import type { ConsoleService } from './service.js';
import { OAUTH_SYSTEMS, SYSTEMS, type Connection, type SystemId } from './types.js';
import { useLoad } from './useLoad.js';

const STATUS: Record<string, { label: string; tone: Tone }> = {
  connected: { label: 'Connected', tone: 'good' },
  not_connected: { label: 'Not connected', tone: 'neutral' },
};

/** Props of {@link Connections}. */
export interface ConnectionsProps {
  service: ConsoleService;
  /** Full-page navigation for OAuth starts (injected so tests can observe it). */
  navigate: (url: string) => void;
}

/** The connections section. */
export function Connections(props: ConnectionsProps) {
  const { service } = props;
  const load = useCallback(() => service.listConnections(), [service]);
  const [state, reload] = useLoad(load);
  const [open, setOpen] = useState<SystemId | null>(null);
  const [confirming, setConfirming] = useState<SystemId | null>(null);
  const [message, setMessage] = useState<string>('');

  const byId = new Map<SystemId, Connection>(state.phase === 'ready' ? state.value.map((c) => [c.system, c]) : []);
  const known = state.phase === 'ready';

  const connect = (system: SystemId) => {
    if (OAUTH_SYSTEMS.includes(system)) props.navigate(service.connectUrl(system));
    else setOpen(open === system ? null : system);
  };
  const disconnect = async (system: SystemId) => {
    setConfirming(null);
    const r = await service.disconnect(system);
    setMessage(r.ok ? `${systemName(system)} disconnected.` : `Could not disconnect ${systemName(system)}: ${describeError(r.error)}`);
    if (r.ok) reload();
  };
  const done = (system: SystemId) => {
    setOpen(null);
    setMessage(`${systemName(system)} connected.`);
    reload();
  };

  return (
    <Section title="Connections" class="cc-connections">
      {state.phase === 'loading' ? <p role="status" class="cc-muted">Loading connections…</p> : null}
      {state.phase === 'error' ? <LoadFailure what="Connection status" error={state.error} onRetry={reload} /> : null}
      <ul class="cc-conn-list">
        {SYSTEMS.map((system) => {
          const c = byId.get(system);
          const status = c ? (STATUS[c.status] ?? { label: sentence(humanize(c.status)), tone: 'neutral' as const }) : null;
          const connected = c?.status === 'connected';
          return (
            <li key={system} class="cc-conn" data-system={system}>
              <div class="cc-conn-main">
                <span class="cc-conn-name">{systemName(system)}</span>
                {status ? <Badge tone={status.tone}>{status.label}</Badge> : known ? <Badge tone="neutral">Not connected</Badge> : null}
                {c?.externalAccount ? <span class="cc-sub">{c.externalAccount}</span> : null}
                {c?.updatedAt && connected ? <span class="cc-sub">since {formatDate(c.updatedAt)}</span> : null}
              </div>
              <div class="cc-actions">
                {connected ? (
                  confirming === system ? (
                    <>
                      <button type="button" class="cc-button cc-button-danger" onClick={() => void disconnect(system)}>
                        Confirm disconnect
                      </button>
                      <button type="button" class="cc-button" onClick={() => setConfirming(null)}>Cancel</button>
                    </>
                  ) : (
                    <button type="button" class="cc-button" onClick={() => setConfirming(system)} aria-label={`Disconnect ${systemName(system)}`}>
                      Disconnect
                    </button>
                  )
                ) : (
                  <button
                    type="button"
                    class="cc-button cc-button-primary"
                    onClick={() => connect(system)}
                    aria-label={`Connect ${systemName(system)}`}
                    {...(OAUTH_SYSTEMS.includes(system) ? {} : { 'aria-expanded': open === system })}
                  >
                    Connect
                  </button>
                )}
              </div>
              {open === 'netsuite' && system === 'netsuite' ? (
                <NetSuiteForm onSubmit={(v) => service.connectNetSuite(v)} onDone={() => done('netsuite')} onCancel={() => setOpen(null)} />
              ) : null}
              {open === 'vitally' && system === 'vitally' ? (
                <VitallyForm onSubmit={(v) => service.connectVitally(v)} onDone={() => done('vitally')} onCancel={() => setOpen(null)} />
              ) : null}
            </li>
          );
        })}
      </ul>
      <p role="status" class="cc-status-line">{message}</p>
    </Section>
  );
}
