/**
 * "Closed-won settings": what the closed-won flow checks and fills in, per tenant
 * (`GET|PUT /flows/settings/closed-won`): the countries whose customers need a tax id, how the
 * CRM's payment-terms text maps to ERP terms, the defaults when a deal names none, the ERP
 * subsidiary new customers belong to, how long a blocked order waits before its owner is tasked,
 * the onboarding template, and whether billing waits for go-live (orders created held, released
 * when the go-live milestone is completed). The broker validates the whole object; each refused field's
 * reason is shown next to that field (`errors[].path` of its 422 answer).
 */
import { useCallback, useEffect, useId, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { describeError, type FieldProblem } from '../shared/result.js';
import { Section } from '../shared/ui.js';
import { LoadFailure } from './LoadFailure.js';
import type { ConsoleService } from './service.js';
import type { ClosedWonSettings as Settings } from './types.js';
import { useLoad } from './useLoad.js';

/** The form's editable copy: free text where the wire has lists, maps, numbers and nulls. */
interface Draft {
  taxIdCountries: string;
  terms: { crm: string; erp: string }[];
  defaultTerms: string;
  defaultCurrency: string;
  subsidiary: string;
  escalateAfterHours: string;
  onboardingName: string;
  /** Not edited here: sent back as it came. */
  template: string | undefined;
  milestones: { key: string; name: string; dueAfterDays: string }[];
  releaseOnGoLive: boolean;
  goLiveMilestone: string;
}

function toDraft(s: Settings): Draft {
  return {
    taxIdCountries: s.taxIdCountries.join(', '),
    terms: Object.entries(s.termsMap).map(([crm, erp]) => ({ crm, erp })),
    defaultTerms: s.defaultTerms ?? '',
    defaultCurrency: s.defaultCurrency ?? '',
    subsidiary: s.subsidiary ?? '',
    escalateAfterHours: String(s.escalateAfterHours),
    onboardingName: s.onboarding.name,
    template: s.onboarding.template,
    milestones: s.onboarding.milestones.map((m) => ({ key: m.key, name: m.name, dueAfterDays: String(m.dueAfterDays) })),
    releaseOnGoLive: s.billing?.releaseOnGoLive ?? false,
    goLiveMilestone: s.billing?.goLiveMilestone ?? 'go-live',
  };
}

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
/** A whole number as typed, or the text itself (the broker says why it is not a number). */
const num = (v: string): number => (/^\s*-?\d+\s*$/.test(v) ? Number(v) : (v.trim() as unknown as number));

/** What is sent: the draft read back into the wire shape (the broker validates every field). */
export function fromDraft(d: Draft): Settings {
  return {
    taxIdCountries: d.taxIdCountries.split(/[\s,;]+/).filter(Boolean).map((c) => c.toUpperCase()),
    termsMap: Object.fromEntries(d.terms.filter((t) => t.crm.trim() || t.erp.trim()).map((t) => [t.crm.trim(), t.erp.trim()])),
    defaultTerms: orNull(d.defaultTerms),
    defaultCurrency: orNull(d.defaultCurrency)?.toUpperCase() ?? null,
    subsidiary: orNull(d.subsidiary),
    escalateAfterHours: num(d.escalateAfterHours),
    onboarding: {
      name: d.onboardingName.trim(),
      ...(d.template !== undefined ? { template: d.template } : {}),
      milestones: d.milestones.map((m) => ({ key: m.key.trim(), name: m.name.trim(), dueAfterDays: num(m.dueAfterDays) })),
    },
    billing: { releaseOnGoLive: d.releaseOnGoLive, goLiveMilestone: d.goLiveMilestone.trim() },
  };
}

/** Problems by form field: `termsMap.<crm text>` is shown on that mapping's row. */
function errorsByField(problems: FieldProblem[], d: Draft): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (k: string, m: string) => (out[k] = [...(out[k] ?? []), m]);
  for (const p of problems) {
    const [head, ...rest] = p.path.split('.');
    if (head === 'taxIdCountries') add('taxIdCountries', rest.length ? `Entry ${Number(rest[0]) + 1}: ${p.message}` : p.message);
    else if (head === 'termsMap' && rest.length) {
      const i = d.terms.findIndex((t) => t.crm.trim() === rest.join('.'));
      add(i >= 0 ? `terms.${i}` : 'termsMap', p.message);
    } else if (head === 'onboarding' && rest[0] === 'milestones' && rest.length >= 3) add(`milestones.${rest[1]}.${rest[2]}`, p.message);
    else if (head === 'onboarding' && rest[0] === 'name') add('onboardingName', p.message);
    else if (head === 'onboarding' && rest[0] === 'milestones') add('milestones', p.message);
    else if (head === 'billing' && rest[0] === 'goLiveMilestone') add('goLiveMilestone', p.message);
    else add(p.path, p.message);
  }
  return out;
}

function Field(props: { id: string; label: string; help?: string; errors?: string[] | undefined; children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren }) {
  const err = props.errors?.length ? props.errors.join(' ') : null;
  const describedBy = [props.help ? `${props.id}-help` : '', err ? `${props.id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="cc-field">
      <label for={props.id}>{props.label}</label>
      {props.children(describedBy, Boolean(err))}
      {props.help ? <span id={`${props.id}-help`} class="cc-sub">{props.help}</span> : null}
      {err ? <span id={`${props.id}-err`} class="cc-field-error">{err}</span> : null}
    </div>
  );
}

/** The closed-won settings section. */
export function ClosedWonSettings(props: { service: ConsoleService }) {
  const { service } = props;
  const id = useId();
  const load = useCallback(() => service.getClosedWonSettings(), [service]);
  const [state, reload] = useLoad(load);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState('');
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (state.phase === 'ready') setDraft(toDraft(state.value));
  }, [state]);

  if (state.phase === 'loading' || (state.phase === 'ready' && !draft)) {
    return <Section title="Closed-won settings"><p role="status" class="cc-muted">Loading closed-won settings…</p></Section>;
  }
  if (state.phase === 'error') {
    return <Section title="Closed-won settings"><LoadFailure what="The closed-won settings form" error={state.error} onRetry={reload} /></Section>;
  }
  const d = draft!;
  const set = (patch: Partial<Draft>) => setDraft({ ...d, ...patch });
  const input = (key: string, value: string, onValue: (v: string) => void, describedBy: string | undefined, invalid: boolean, extra: Record<string, unknown> = {}) => (
    <input id={`${id}-${key}`} name={key} value={value} spellcheck={false} autoComplete="off" aria-invalid={invalid ? 'true' : undefined}
      {...(describedBy ? { 'aria-describedby': describedBy } : {})} onInput={(e) => onValue(e.currentTarget.value)} {...extra} />
  );

  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setMessage('');
    const r = await service.saveClosedWonSettings(fromDraft(d));
    setSaving(false);
    if (r.ok) {
      setErrors({});
      setDraft(toDraft(r.value));
      setMessage('Closed-won settings saved.');
      return;
    }
    const fields = r.error.kind === 'rejected' ? (r.error.fields ?? []) : [];
    const byField = errorsByField(fields, d);
    setErrors(byField);
    setMessage(fields.length > 0 ? `Not saved: ${fields.length === 1 ? 'one field needs' : `${fields.length} fields need`} a fix.` : `Not saved: ${describeError(r.error)}`);
    const first = Object.keys(byField)[0];
    if (first) document.getElementById(`${id}-${first}`)?.focus();
  };

  return (
    <Section title="Closed-won settings" hint="What the closed-won flow checks and fills in" class="cc-settings" id="closed-won-settings">
      <form class="cc-form" onSubmit={(e) => void save(e)} noValidate aria-label="Closed-won settings">
        <Field id={`${id}-taxIdCountries`} label="Countries whose customers need a tax id" help="ISO country codes, e.g. DE, FR, GB" errors={errors['taxIdCountries']}>
          {(by, bad) => input('taxIdCountries', d.taxIdCountries, (v) => set({ taxIdCountries: v }), by, bad)}
        </Field>
        <fieldset class="cc-field">
          <legend>Payment terms: CRM text → ERP term id</legend>
          {d.terms.length === 0 ? <p class="cc-sub">No mapping: a deal's terms are matched to ERP terms by name.</p> : null}
          {d.terms.map((t, i) => (
            <div key={i} class="cc-actions">
              {input(`terms.${i}`, t.crm, (v) => set({ terms: d.terms.map((x, j) => (j === i ? { ...x, crm: v } : x)) }), errors[`terms.${i}`] ? `${id}-terms.${i}-err` : undefined, Boolean(errors[`terms.${i}`]), { 'aria-label': `CRM payment terms ${i + 1}` })}
              {input(`terms.${i}.erp`, t.erp, (v) => set({ terms: d.terms.map((x, j) => (j === i ? { ...x, erp: v } : x)) }), undefined, Boolean(errors[`terms.${i}`]), { 'aria-label': `ERP term id ${i + 1}` })}
              <button type="button" class="cc-button" onClick={() => set({ terms: d.terms.filter((_, j) => j !== i) })} aria-label={`Remove payment terms mapping ${i + 1}`}>Remove</button>
              {errors[`terms.${i}`] ? <span id={`${id}-terms.${i}-err`} class="cc-field-error">{errors[`terms.${i}`]!.join(' ')}</span> : null}
            </div>
          ))}
          {errors['termsMap'] ? <span class="cc-field-error">{errors['termsMap'].join(' ')}</span> : null}
          <button type="button" class="cc-button" onClick={() => set({ terms: [...d.terms, { crm: '', erp: '' }] })}>Add a mapping</button>
        </fieldset>
        <Field id={`${id}-defaultTerms`} label="Default ERP term id" help="Used when a deal names no payment terms; empty: the deal must name them" errors={errors['defaultTerms']}>
          {(by, bad) => input('defaultTerms', d.defaultTerms, (v) => set({ defaultTerms: v }), by, bad)}
        </Field>
        <Field id={`${id}-defaultCurrency`} label="Default currency" help="ISO code used when a deal names none, e.g. USD; empty: the deal must name one" errors={errors['defaultCurrency']}>
          {(by, bad) => input('defaultCurrency', d.defaultCurrency, (v) => set({ defaultCurrency: v }), by, bad)}
        </Field>
        <Field id={`${id}-subsidiary`} label="ERP subsidiary for new customers" help="Subsidiary (legal entity) id; empty: the ERP's default" errors={errors['subsidiary']}>
          {(by, bad) => input('subsidiary', d.subsidiary, (v) => set({ subsidiary: v }), by, bad)}
        </Field>
        <Field id={`${id}-escalateAfterHours`} label="Task the deal owner after a blocked order waits (hours)" errors={errors['escalateAfterHours']}>
          {(by, bad) => input('escalateAfterHours', d.escalateAfterHours, (v) => set({ escalateAfterHours: v }), by, bad, { inputMode: 'numeric' })}
        </Field>
        <Field id={`${id}-onboardingName`} label="Onboarding project name" errors={errors['onboardingName']}>
          {(by, bad) => input('onboardingName', d.onboardingName, (v) => set({ onboardingName: v }), by, bad)}
        </Field>
        <fieldset class="cc-field">
          <legend>Onboarding milestones (due days after the contract start)</legend>
          {d.milestones.map((m, i) => {
            const patch = (p: Partial<typeof m>) => set({ milestones: d.milestones.map((x, j) => (j === i ? { ...x, ...p } : x)) });
            const err = ['key', 'name', 'dueAfterDays'].flatMap((k) => errors[`milestones.${i}.${k}`]?.map((e) => `${k === 'dueAfterDays' ? 'Due days' : k === 'key' ? 'Key' : 'Name'}: ${e}`) ?? []);
            const errId = err.length ? `${id}-milestones.${i}-err` : undefined;
            return (
              <div key={i} class="cc-actions">
                {input(`milestones.${i}.key`, m.key, (v) => patch({ key: v }), errId, Boolean(errors[`milestones.${i}.key`]), { 'aria-label': `Milestone ${i + 1} key`, size: 14 })}
                {input(`milestones.${i}.name`, m.name, (v) => patch({ name: v }), errId, Boolean(errors[`milestones.${i}.name`]), { 'aria-label': `Milestone ${i + 1} name` })}
                {input(`milestones.${i}.dueAfterDays`, m.dueAfterDays, (v) => patch({ dueAfterDays: v }), errId, Boolean(errors[`milestones.${i}.dueAfterDays`]), { 'aria-label': `Milestone ${i + 1} due days`, inputMode: 'numeric', size: 5 })}
                <button type="button" class="cc-button" onClick={() => set({ milestones: d.milestones.filter((_, j) => j !== i) })} aria-label={`Remove milestone ${i + 1}`}>Remove</button>
                {err.length ? <span id={errId} class="cc-field-error">{err.join(' ')}</span> : null}
              </div>
            );
          })}
          {errors['milestones'] ? <span class="cc-field-error">{errors['milestones'].join(' ')}</span> : null}
          <button type="button" class="cc-button" onClick={() => set({ milestones: [...d.milestones, { key: '', name: '', dueAfterDays: '' }] })}>Add a milestone</button>
        </fieldset>
        <fieldset class="cc-field">
          <legend>Billing</legend>
          <label class="cc-check">
            <input type="checkbox" name="releaseOnGoLive" checked={d.releaseOnGoLive} onChange={(e) => set({ releaseOnGoLive: e.currentTarget.checked })} />
            Hold each new order for billing until onboarding goes live
          </label>
          <span class="cc-sub">The ERP order is created pending approval; Concord approves it when the go-live milestone is completed in the CS system.</span>
        </fieldset>
        <Field id={`${id}-goLiveMilestone`} label="Go-live milestone" errors={errors['goLiveMilestone']}>
          {(by, bad) => (
            <select id={`${id}-goLiveMilestone`} name="goLiveMilestone" value={d.goLiveMilestone} aria-invalid={bad ? 'true' : undefined} {...(by ? { 'aria-describedby': by } : {})}
              onChange={(e) => set({ goLiveMilestone: e.currentTarget.value })}>
              {d.milestones.some((m) => m.key.trim() === d.goLiveMilestone) ? null : <option value={d.goLiveMilestone}>{d.goLiveMilestone || '(none)'}</option>}
              {d.milestones.filter((m) => m.key.trim()).map((m) => <option key={m.key} value={m.key.trim()}>{m.name.trim() || m.key.trim()}</option>)}
            </select>
          )}
        </Field>
        {Object.entries(errors)
          .filter(([k]) => !/^(taxIdCountries|terms\.\d+|termsMap|defaultTerms|defaultCurrency|subsidiary|escalateAfterHours|onboardingName|milestones(\.\d+\.\w+)?|goLiveMilestone)$/.test(k))
          .map(([k, m]) => <p key={k} class="cc-field-error"><code>{k}</code>: {m.join(' ')}</p>)}
        <div class="cc-actions">
          <button type="submit" class="cc-button cc-button-primary" disabled={saving}>{saving ? 'Saving…' : 'Save closed-won settings'}</button>
          <button type="button" class="cc-button" onClick={() => { setErrors({}); setMessage(''); reload(); }}>Discard changes</button>
        </div>
        <p role="status" class="cc-status-line">{message}</p>
      </form>
    </Section>
  );
}
