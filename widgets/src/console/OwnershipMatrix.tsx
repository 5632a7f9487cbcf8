/**
 * The system-of-record matrix editor: one row per `entity.field`, a select of the owning system.
 * Save PUTs the whole matrix (the broker validates it; its problem detail is shown verbatim).
 */
import { useCallback, useState } from 'preact/hooks';
import { systemName } from '../shared/format.js';
import { describeError } from '../shared/result.js';
import { Section } from '../shared/ui.js';
import { LoadFailure } from './LoadFailure.js';
import type { ConsoleService } from './service.js';
import { SYSTEMS, type OwnershipRule } from './types.js';
import { useLoad } from './useLoad.js';

const key = (r: OwnershipRule) => `${r.entity}.${r.field}`;

/** The ownership section. */
export function OwnershipMatrix(props: { service: ConsoleService }) {
  const { service } = props;
  const load = useCallback(() => service.getOwnership(), [service]);
  const [state, reload, setLoaded] = useLoad(load);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState('');

  if (state.phase === 'loading') {
    return (
      <Section title="Ownership matrix">
        <p role="status" class="cc-muted">Loading ownership rules…</p>
      </Section>
    );
  }
  if (state.phase === 'error') {
    return (
      <Section title="Ownership matrix">
        <LoadFailure what="The ownership matrix" error={state.error} onRetry={reload} />
      </Section>
    );
  }
  const rules = state.value.map((r) => ({ ...r, owner: edits[key(r)] ?? r.owner }));
  const dirty = state.value.some((r) => edits[key(r)] !== undefined && edits[key(r)] !== r.owner);

  const save = async () => {
    setSaving(true);
    setMessage('');
    const r = await service.saveOwnership(rules);
    setSaving(false);
    if (r.ok) {
      setLoaded(rules);
      setEdits({});
      setMessage('Ownership saved.');
    } else {
      setMessage(`Not saved: ${describeError(r.error)}`);
    }
  };

  return (
    <Section title="Ownership matrix" hint="Which system is the source of record for each shared field" class="cc-ownership">
      {rules.length === 0 ? (
        <p class="cc-muted">No shared fields are configured.</p>
      ) : (
        <div class="cc-table-wrap" tabIndex={0} role="region" aria-label="Ownership rules">
          <table class="cc-table">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Owner</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => {
                const id = `own-${key(r)}`;
                return (
                  <tr key={key(r)}>
                    <th scope="row">
                      <label for={id}><code>{key(r)}</code></label>
                    </th>
                    <td>
                      <select id={id} value={r.owner} onChange={(e) => setEdits({ ...edits, [key(r)]: e.currentTarget.value })}>
                        {(r.allowed ?? [...SYSTEMS]).map((s) => (
                          <option key={s} value={s}>{systemName(s)}</option>
                        ))}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div class="cc-actions">
        <button type="button" class="cc-button cc-button-primary" disabled={!dirty || saving} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save ownership'}
        </button>
        {dirty ? <button type="button" class="cc-button" onClick={() => setEdits({})}>Discard changes</button> : null}
      </div>
      <p role="status" class="cc-status-line">{message}</p>
    </Section>
  );
}
