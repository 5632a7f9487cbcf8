/**
 * "Automations": the lifecycle automations the change pipeline runs for the tenant, and the
 * tenant's policy for them (`GET|PUT /ops/automations`): each one switched on or off with its
 * thresholds, when it acts and what it does in the broker's words (built from the saved values).
 * The broker validates the whole policy; each refused field's reason is shown next to that field
 * (`errors[].path` of its 422 answer). Billing on go-live is listed but switched in the
 * closed-won settings (Billing), which the entry links to. A broker that sends no policy (older
 * than per-tenant policies) gets the read-only list.
 */
import { useCallback, useEffect, useId, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { describeError, type FieldProblem } from '../shared/result.js';
import { Badge, Section } from '../shared/ui.js';
import { LoadFailure } from './LoadFailure.js';
import type { ConsoleService } from './service.js';
import type { Automation, AutomationPolicy, Automations as Answer } from './types.js';
import { useLoad } from './useLoad.js';

type Part = keyof AutomationPolicy;

/** The automation key of each policy part (the list's `key`). */
const KEY_OF: Record<Part, string> = { financeHold: 'finance-hold', healthDrop: 'health-drop', onboardingStalled: 'onboarding-stalled', renewalRisk: 'renewal-risk' };

/** The thresholds of each part as the form shows them: field, label, whether decimals are allowed. */
const FIELDS: Record<Part, { field: string; label: string; decimals?: boolean; text?: boolean }[]> = {
  financeHold: [
    { field: 'overdueDays', label: 'Overdue for more than (days)' },
    { field: 'minAmount', label: 'Hold from this aged balance (invoice currency)', decimals: true },
  ],
  healthDrop: [
    { field: 'dropPoints', label: 'A fall of at least (points)' },
    { field: 'below', label: 'Or a fall to below (score)' },
    { field: 'adoptionBelow', label: 'Or low adoption: health category under (score, 0: off)' },
    { field: 'adoptionSignal', label: 'Health category that measures adoption', text: true },
  ],
  onboardingStalled: [
    { field: 'pastDueGraceDays', label: 'Past due only after (days past the due date)' },
    { field: 'noProgressDays', label: 'Stalled after no milestone completed for (days, 0: off)' },
  ],
  renewalRisk: [{ field: 'withinDays', label: 'Renews within (days)' }],
};

/** The form's editable copy: numbers as typed. */
type Draft = { [P in Part]: { enabled: boolean; level?: string; hold?: string; values: Record<string, string> } };

function toDraft(p: AutomationPolicy): Draft {
  const part = <P extends Part>(name: P) => {
    const values = p[name] as unknown as Record<string, unknown>;
    return { enabled: p[name].enabled, values: Object.fromEntries(FIELDS[name].map((f) => [f.field, String(values[f.field] ?? '')])) };
  };
  return {
    financeHold: part('financeHold'),
    healthDrop: part('healthDrop'),
    onboardingStalled: { ...part('onboardingStalled'), hold: p.onboardingStalled.hold },
    renewalRisk: { ...part('renewalRisk'), level: p.renewalRisk.level },
  };
}

/** A number as typed, or the text itself (the broker says why it is not a number). */
const num = (v: string, decimals = false): number => ((decimals ? /^\s*-?\d+(\.\d+)?\s*$/ : /^\s*-?\d+\s*$/).test(v) ? Number(v) : (v.trim() as unknown as number));

/** What is sent: the draft read back into the policy's wire shape (the broker validates every field). */
export function fromDraft(d: Draft): AutomationPolicy {
  const part = (name: Part) => ({ enabled: d[name].enabled, ...Object.fromEntries(FIELDS[name].map((f) => [f.field, f.text ? (d[name].values[f.field] ?? '').trim() : num(d[name].values[f.field] ?? '', f.decimals)])) });
  return {
    financeHold: part('financeHold') as AutomationPolicy['financeHold'],
    healthDrop: part('healthDrop') as AutomationPolicy['healthDrop'],
    onboardingStalled: { ...part('onboardingStalled'), hold: d.onboardingStalled.hold } as AutomationPolicy['onboardingStalled'],
    renewalRisk: { ...part('renewalRisk'), level: d.renewalRisk.level } as AutomationPolicy['renewalRisk'],
  };
}

/** Problems by form field (`healthDrop.dropPoints`, as the broker names them). */
function errorsByField(problems: FieldProblem[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) out[p.path] = [...(out[p.path] ?? []), p.message];
  return out;
}

/** One automation's sentences and on/off badge, as the broker words them. */
function Sentences(props: { item: Automation; children?: ComponentChildren }) {
  const a = props.item;
  return (
    <>
      <span class="cc-item-title">
        {a.name} {a.enabled ? <Badge tone="good">On</Badge> : <Badge tone="neutral">Off</Badge>}
      </span>
      <dl class="cc-facts">
        <dt>When</dt>
        <dd>{a.when}</dd>
        <dt>Does</dt>
        <dd>{a.does}</dd>
      </dl>
      {props.children}
    </>
  );
}

/** The automations section. */
export function Automations(props: { service: ConsoleService }) {
  const { service } = props;
  const id = useId();
  const load = useCallback(() => service.getAutomations(), [service]);
  const [state, reload] = useLoad(load);
  const [saved, setSaved] = useState<Answer | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState('');
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (state.phase !== 'ready') return;
    setSaved(state.value);
    setDraft(state.value.policy ? toDraft(state.value.policy) : null);
  }, [state]);

  const section = (children: ComponentChildren) => (
    <Section title="Automations" hint="What Concord does by itself when a change arrives" class="cc-automations">
      {children}
    </Section>
  );
  if (state.phase === 'loading' || (state.phase === 'ready' && !saved)) return section(<p role="status" class="cc-muted">Loading the automations…</p>);
  if (state.phase === 'error') return section(<LoadFailure what="The automation list" error={state.error} onRetry={reload} />);
  const answer = saved!;
  const byKey = new Map(answer.automations.map((a) => [a.key, a]));
  const billing = byKey.get('billing-on-go-live');
  const billingItem = billing ? (
    <li key={billing.key} data-automation={billing.key}>
      <Sentences item={billing}>
        <p class="cc-sub">
          Switched on or off in the <a href="#closed-won-settings">closed-won settings (Billing)</a>, not here.
        </p>
      </Sentences>
    </li>
  ) : null;

  if (!answer.editable || !draft) {
    return section(
      <>
        <p class="cc-muted cc-automations-note">This Concord server does not let a tenant change the automations: they are shown as it runs them.</p>
        {answer.automations.length === 0 ? <p class="cc-muted">This Concord server runs no automations.</p> : null}
        <ul class="cc-list">
          {answer.automations.filter((a) => a.key !== 'billing-on-go-live').map((a) => (
            <li key={a.key} data-automation={a.key}>
              <Sentences item={a} />
            </li>
          ))}
          {billingItem}
        </ul>
      </>,
    );
  }

  const d = draft;
  const setPart = (part: Part, patch: Partial<Draft[Part]>) => setDraft({ ...d, [part]: { ...d[part], ...patch } });
  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setMessage('');
    const r = await service.saveAutomations(fromDraft(d));
    setSaving(false);
    if (r.ok) {
      setErrors({});
      setSaved(r.value);
      if (r.value.policy) setDraft(toDraft(r.value.policy));
      setMessage('Automations saved.');
      return;
    }
    const fields = r.error.kind === 'rejected' ? (r.error.fields ?? []) : [];
    const byField = errorsByField(fields);
    setErrors(byField);
    setMessage(fields.length > 0 ? `Not saved: ${fields.length === 1 ? 'one field needs' : `${fields.length} fields need`} a fix.` : `Not saved: ${describeError(r.error)}`);
    const first = Object.keys(byField)[0];
    if (first) document.getElementById(`${id}-${first}`)?.focus();
  };
  const known = new Set((Object.keys(FIELDS) as Part[]).flatMap((p) => [`${p}.enabled`, `${p}.level`, `${p}.hold`, ...FIELDS[p].map((f) => `${p}.${f.field}`)]));

  return section(
    <form class="cc-form" onSubmit={(e) => void save(e)} noValidate aria-label="Automations">
      <ul class="cc-list">
        {(Object.keys(KEY_OF) as Part[]).map((part) => {
          const item = byKey.get(KEY_OF[part]);
          if (!item) return null;
          const fieldId = (f: string) => `${id}-${part}.${f}`;
          const errOf = (f: string) => errors[`${part}.${f}`];
          return (
            <li key={item.key} data-automation={item.key}>
              <Sentences item={item}>
                <fieldset class="cc-field">
                  <legend>{item.name}: policy</legend>
                  <label class="cc-check">
                    <input id={fieldId('enabled')} type="checkbox" name={`${part}.enabled`} checked={d[part].enabled} onChange={(e) => setPart(part, { enabled: e.currentTarget.checked })} />
                    {`${item.name} on`}
                  </label>
                  {errOf('enabled') ? <span class="cc-field-error">{errOf('enabled')!.join(' ')}</span> : null}
                  {part === 'renewalRisk' ? (
                    <div class="cc-field">
                      <label for={fieldId('level')}>Risk level that asks for a task</label>
                      <select id={fieldId('level')} name="renewalRisk.level" value={d.renewalRisk.level} aria-invalid={errOf('level') ? 'true' : undefined}
                        {...(errOf('level') ? { 'aria-describedby': `${fieldId('level')}-err` } : {})} onChange={(e) => setPart('renewalRisk', { level: e.currentTarget.value })}>
                        <option value="high">High</option>
                        <option value="medium">Medium or high</option>
                      </select>
                      {errOf('level') ? <span id={`${fieldId('level')}-err`} class="cc-field-error">{errOf('level')!.join(' ')}</span> : null}
                    </div>
                  ) : null}
                  {part === 'onboardingStalled' ? (
                    <div class="cc-field">
                      <label for={fieldId('hold')}>While onboarding is stalled, also hold</label>
                      <select id={fieldId('hold')} name="onboardingStalled.hold" value={d.onboardingStalled.hold} aria-invalid={errOf('hold') ? 'true' : undefined}
                        {...(errOf('hold') ? { 'aria-describedby': `${fieldId('hold')}-err` } : {})} onChange={(e) => setPart('onboardingStalled', { hold: e.currentTarget.value })}>
                        <option value="none">Nothing (a task only)</option>
                        <option value="billing">Billing (ERP sales orders)</option>
                        <option value="renewal">Renewals (CRM hold property)</option>
                      </select>
                      {errOf('hold') ? <span id={`${fieldId('hold')}-err`} class="cc-field-error">{errOf('hold')!.join(' ')}</span> : null}
                    </div>
                  ) : null}
                  {FIELDS[part].map((f) => {
                    const err = errOf(f.field);
                    return (
                      <div class="cc-field" key={f.field}>
                        <label for={fieldId(f.field)}>{f.label}</label>
                        <input id={fieldId(f.field)} name={`${part}.${f.field}`} value={d[part].values[f.field] ?? ''} inputMode={f.text ? 'text' : f.decimals ? 'decimal' : 'numeric'} size={f.text ? 20 : 10} spellcheck={false} autoComplete="off"
                          aria-invalid={err ? 'true' : undefined} {...(err ? { 'aria-describedby': `${fieldId(f.field)}-err` } : {})}
                          onInput={(e) => setPart(part, { values: { ...d[part].values, [f.field]: e.currentTarget.value } })} />
                        {err ? <span id={`${fieldId(f.field)}-err`} class="cc-field-error">{err.join(' ')}</span> : null}
                      </div>
                    );
                  })}
                </fieldset>
              </Sentences>
            </li>
          );
        })}
        {billingItem}
      </ul>
      {Object.entries(errors)
        .filter(([k]) => !known.has(k))
        .map(([k, m]) => <p key={k} class="cc-field-error"><code>{k}</code>: {m.join(' ')}</p>)}
      <div class="cc-actions">
        <button type="submit" class="cc-button cc-button-primary" disabled={saving}>{saving ? 'Saving…' : 'Save automations'}</button>
        <button type="button" class="cc-button" onClick={() => { setErrors({}); setMessage(''); reload(); }}>Discard changes</button>
      </div>
      <p role="status" class="cc-status-line">{message}</p>
    </form>,
  );
}
