/**
 * "Automations": the lifecycle automations the change pipeline runs for the tenant
 * (`GET /ops/automations`): each one's name, whether it is on, when it acts and what it does. At
 * this version the thresholds are Concord's fixed defaults (the answer's `editable: false`), so
 * the section only shows them; billing on go-live is switched in the closed-won settings.
 */
import { useCallback } from 'preact/hooks';
import { Badge, Section } from '../shared/ui.js';
import { LoadFailure } from './LoadFailure.js';
import type { ConsoleService } from './service.js';
import { useLoad } from './useLoad.js';

/** The automations section. */
export function Automations(props: { service: ConsoleService }) {
  const { service } = props;
  const load = useCallback(() => service.getAutomations(), [service]);
  const [state, reload] = useLoad(load);

  return (
    <Section title="Automations" hint="What Concord does by itself when a change arrives" class="cc-automations">
      {state.phase === 'loading' ? <p role="status" class="cc-muted">Loading the automations…</p> : null}
      {state.phase === 'error' ? <LoadFailure what="The automation list" error={state.error} onRetry={reload} /> : null}
      {state.phase === 'ready' ? (
        <>
          {!state.value.editable ? (
            <p class="cc-muted cc-automations-note">
              The thresholds are Concord's fixed defaults at this version: they cannot be changed per tenant yet.
              {state.value.automations.some((a) => a.key === 'billing-on-go-live') ? ' Billing waits for go-live is switched on or off in the closed-won settings (Billing).' : ''}
            </p>
          ) : null}
          {state.value.automations.length === 0 ? <p class="cc-muted">This Concord server runs no automations.</p> : null}
          {state.value.automations.length > 0 ? (
            <ul class="cc-list">
              {state.value.automations.map((a) => (
                <li key={a.key} data-automation={a.key}>
                  <span class="cc-item-title">
                    {a.name} {a.enabled ? <Badge tone="good">On</Badge> : <Badge tone="neutral">Off</Badge>}
                  </span>
                  <dl class="cc-facts">
                    <dt>When</dt>
                    <dd>{a.when}</dd>
                    <dt>Does</dt>
                    <dd>{a.does}</dd>
                  </dl>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </Section>
  );
}
