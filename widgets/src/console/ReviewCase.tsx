/**
 * One identity review case: the two records side by side (one row per field), the score and the
 * evidence with its weights, and the decisions a person can take.
 */
import { useId, useState } from 'preact/hooks';
import { describeError, type WidgetError } from '../shared/result.js';
import { Badge, SrOnly } from '../shared/ui.js';
import type { ReviewCase as Case, ReviewDecision, ReviewFields } from './types.js';

const ROWS: readonly [keyof ReviewFields, string][] = [
  ['name', 'Name'],
  ['domain', 'Website'],
  ['taxId', 'Tax id'],
  ['country', 'Country'],
  ['city', 'City'],
  ['address', 'Address'],
  ['emails', 'E-mails'],
];

const shown = (f: ReviewFields, key: keyof ReviewFields): string => {
  const v = f[key];
  if (Array.isArray(v)) return v.length ? v.join(', ') : '—';
  return v ? String(v) : '—';
};

const STATUS_TEXT: Readonly<Record<Case['status'], string>> = {
  open: 'Waiting for a decision',
  approved: 'Linked',
  rejected: 'Kept apart',
  linked: 'Linked to another account',
  superseded: 'Answered by another decision',
};

/** What a decided case lets a person undo: the record that joined the account. */
function splittable(c: Case): { accountId: string; record: { system: string; externalId: string; label: string } } | null {
  const accountId = c.decision?.accountId;
  if (!accountId) return null;
  // The record that joined the other's account on approval is the one a split takes out again.
  const was = (side: Case['subject']) => (side.accountWhenRaised !== undefined ? side.accountWhenRaised : side.accountId);
  if (c.status === 'approved') return { accountId, record: was(c.candidate) === accountId ? c.subject : c.candidate };
  if (c.status === 'linked') return { accountId, record: c.subject };
  return null;
}

/** Props of {@link ReviewCaseView}. */
export interface ReviewCaseProps {
  item: Case;
  decide: (decision: ReviewDecision) => Promise<string | null>;
  split: (accountId: string, record: { system: string; externalId: string }) => Promise<string | null>;
}

/** A case card; `decide` and `split` resolve to an error message, or null on success. */
export function ReviewCaseView(props: ReviewCaseProps) {
  const { item } = props;
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [linking, setLinking] = useState(false);
  const [target, setTarget] = useState('');
  const title = `${item.subject.label} and ${item.candidate.label}`;

  const run = async (action: () => Promise<string | null>, success: string) => {
    setBusy(true);
    setError(null);
    const problem = await action();
    setBusy(false);
    if (problem) setError(problem);
    else setDone(success);
  };
  const linkTo = (e: Event) => {
    e.preventDefault();
    const accountId = target.trim();
    if (!/^acc_[a-f0-9]{32}$/.test(accountId)) {
      setError('Enter an account id like acc_ followed by 32 letters and digits.');
      return;
    }
    void run(() => props.decide({ decision: 'link', accountId }), `Linked ${item.subject.label} to ${accountId}.`);
  };
  const undo = splittable(item);

  return (
    <article class="cc-review-case" aria-labelledby={`${id}-t`}>
      <div class="cc-review-head">
        <h3 id={`${id}-t`} class="cc-item-title">{title}</h3>
        <Badge tone={item.score >= 0.8 ? 'good' : item.score >= 0.45 ? 'warn' : 'neutral'}>Score {item.score.toFixed(2)}</Badge>
        <span class="cc-sub">{STATUS_TEXT[item.status]}</span>
      </div>
      <div class="cc-table-wrap">
        <table class="cc-table cc-review-table">
          <caption><SrOnly>{title}, side by side</SrOnly></caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">{item.subject.label}</th>
              <th scope="col">{item.candidate.label}</th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map(([key, label]) => (
              <tr key={key}>
                <th scope="row">{label}</th>
                <td>{shown(item.subject.fields, key)}</td>
                <td>{shown(item.candidate.fields, key)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul class="cc-evidence" aria-label="Evidence">
        {item.reasons.map((r, i) => (
          <li key={i} class={r.conflict ? 'cc-text-bad' : r.weight < 0 ? 'cc-muted' : ''}>
            <span class="cc-weight">{r.weight > 0 ? '+' : ''}{r.weight.toFixed(2)}</span> {r.conflict ? <strong>Conflict: </strong> : null}
            {r.text}
          </li>
        ))}
      </ul>
      {done ? <p class="cc-status-line" role="status">{done}</p> : null}
      {!done && item.status === 'open' ? (
        <div class="cc-actions">
          <button type="button" class="cc-button cc-button-primary" disabled={busy} onClick={() => void run(() => props.decide({ decision: 'approve' }), 'Linked. Both records now belong to one account.')}>
            Link these records
          </button>
          <button type="button" class="cc-button" disabled={busy} onClick={() => void run(() => props.decide({ decision: 'reject' }), 'Kept apart. Concord will not suggest this pair again.')}>
            Keep apart
          </button>
          <button type="button" class="cc-button" disabled={busy} aria-expanded={linking} onClick={() => setLinking(!linking)}>
            Link to another account…
          </button>
        </div>
      ) : null}
      {!done && item.status === 'open' && linking ? (
        <form class="cc-form cc-review-link" onSubmit={linkTo} aria-label={`Link ${item.subject.label} to another account`} noValidate>
          <div class="cc-field">
            <label for={`${id}-acc`}>Account id</label>
            <input id={`${id}-acc`} value={target} spellcheck={false} autoComplete="off" placeholder="acc_…" onInput={(e) => setTarget((e.target as HTMLInputElement).value)} />
          </div>
          <button type="submit" class="cc-button cc-button-primary" disabled={busy}>Link</button>
        </form>
      ) : null}
      {!done && undo ? (
        <div class="cc-actions">
          <button type="button" class="cc-button cc-button-danger" disabled={busy}
            onClick={() => void run(() => props.split(undo.accountId, undo.record), `${undo.record.label} taken out of ${undo.accountId}; kept apart from now on.`)}>
            Split {undo.record.label} off again
          </button>
        </div>
      ) : null}
      {error ? <p class="cc-field-error" role="alert">{error}</p> : null}
    </article>
  );
}

/** Turns a service result into the card's "error message or null" (a missing account or case said as such). */
export function problemOf(r: { ok: true } | { ok: false; error: WidgetError }): string | null {
  if (r.ok) return null;
  if (r.error.kind === 'not_found' && r.error.code === 'account_not_found') return 'No account with that id.';
  if (r.error.kind === 'not_found') return 'This case or link no longer exists. Reload the list.';
  return describeError(r.error);
}
