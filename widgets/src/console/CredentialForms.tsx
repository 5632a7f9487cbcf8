/**
 * Credential forms for the non-OAuth systems: NetSuite (OAuth 2.0 client credentials with a
 * certificate: account id, client id, certificate id = JWT `kid`, private key PEM; or token-based
 * authentication: consumer key/secret and token id/secret) and Vitally (subdomain + API key).
 * Secrets are posted once and never shown again.
 */
import { useId, useState } from 'preact/hooks';
import { describeError, type Result } from '../shared/result.js';
import type { ComponentChildren } from 'preact';
import type { NetSuiteCredentials, NetSuiteTbaCredentials, VitallyCredentials } from './types.js';

interface Field<K extends string> { name: K; label: string; help?: string; multiline?: boolean; secret?: boolean; check?: (v: string) => string | null }

const NETSUITE_FIELDS: Field<keyof NetSuiteCredentials>[] = [
  { name: 'accountId', label: 'Account ID', help: 'e.g. 1234567 or 1234567_SB1 for a sandbox',
    check: (v) => (/^[A-Za-z0-9_-]+$/.test(v) ? null : 'Use letters, digits, - or _ only.') },
  { name: 'clientId', label: 'Client ID', help: 'From the integration record (OAuth 2.0 client credentials)' },
  { name: 'certificateId', label: 'Certificate ID', help: 'Setup › Integration › OAuth 2.0 Client Credentials (M2M) Setup' },
  { name: 'privateKeyPem', label: 'Private key (PEM)', multiline: true, secret: true,
    check: (v) => (/^-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+-----END (RSA |EC )?PRIVATE KEY-----\s*$/.test(v.trim())
      ? null : 'Paste the whole PEM file, from its BEGIN PRIVATE KEY line to its END PRIVATE KEY line.') },
];

const NETSUITE_TBA_FIELDS: Field<keyof NetSuiteTbaCredentials>[] = [
  NETSUITE_FIELDS[0] as Field<'accountId'>,
  { name: 'consumerKey', label: 'Consumer key', help: 'From the integration record (Token-based Authentication enabled)' },
  { name: 'consumerSecret', label: 'Consumer secret', secret: true },
  { name: 'tokenId', label: 'Token ID', help: 'Setup › Users/Roles › Access Tokens › New' },
  { name: 'tokenSecret', label: 'Token secret', secret: true },
];

const VITALLY_FIELDS: Field<keyof VitallyCredentials>[] = [
  { name: 'subdomain', label: 'Subdomain', help: 'The part before .rest.vitally.io',
    check: (v) => (/^[a-z0-9-]+$/i.test(v) ? null : 'Use letters, digits and - only.') },
  { name: 'apiKey', label: 'API key', secret: true, help: 'Vitally › Settings › Integrations › REST API' },
];

/** Props shared by both forms. */
export interface CredentialFormProps<T> {
  onSubmit: (values: T) => Promise<Result<unknown>>;
  onDone: () => void;
  onCancel: () => void;
}

/** NetSuite credential form: OAuth 2.0 M2M (the default, NetSuite's preferred method) or TBA. */
export function NetSuiteForm(props: CredentialFormProps<NetSuiteCredentials | NetSuiteTbaCredentials>) {
  const id = useId();
  const [mode, setMode] = useState<'m2m' | 'tba'>('m2m');
  const chooser = (
    <fieldset class="cc-field">
      <legend>Authentication</legend>
      {([['m2m', 'OAuth 2.0 (M2M certificate)'], ['tba', 'Token-based (TBA)']] as const).map(([value, label]) => (
        <label key={value} for={`${id}-${value}`}>
          <input id={`${id}-${value}`} type="radio" name={`${id}-auth`} value={value} checked={mode === value} onChange={() => setMode(value)} /> {label}
        </label>
      ))}
    </fieldset>
  );
  return mode === 'm2m'
    ? <CredentialForm key="m2m" title="Connect NetSuite" fields={NETSUITE_FIELDS} chooser={chooser} {...props} />
    : <CredentialForm key="tba" title="Connect NetSuite" fields={NETSUITE_TBA_FIELDS} chooser={chooser} {...props} />;
}

/** Vitally API key form. */
export function VitallyForm(props: CredentialFormProps<VitallyCredentials>) {
  return <CredentialForm title="Connect Vitally" fields={VITALLY_FIELDS} {...props} />;
}

function CredentialForm<K extends string>(props: CredentialFormProps<Record<K, string>> & { title: string; fields: Field<K>[]; chooser?: ComponentChildren }) {
  const id = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    for (const f of props.fields) {
      const v = (values[f.name] ?? '').trim();
      const problem = v === '' ? `${f.label} is required.` : (f.check?.(v) ?? null);
      if (problem) errs[f.name] = problem;
    }
    setErrors(errs);
    if (Object.keys(errs).length > 0) {
      const first = props.fields.find((f) => errs[f.name]);
      if (first) document.getElementById(`${id}-${first.name}`)?.focus();
      return;
    }
    setBusy(true);
    setSubmitError(null);
    // Every field was checked non-empty above, so the record is complete.
    const trimmed = Object.fromEntries(props.fields.map((f) => [f.name, (values[f.name] ?? '').trim()])) as Record<K, string>;
    const r = await props.onSubmit(trimmed);
    setBusy(false);
    if (r.ok) props.onDone();
    else setSubmitError(r.error.kind === 'not_found' ? 'This Concord server cannot store these credentials yet.' : describeError(r.error));
  };

  return (
    <form class="cc-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{props.title}</h3>
      {props.chooser ?? null}
      {props.fields.map((f) => {
        const fid = `${id}-${f.name}`;
        const err = errors[f.name];
        const describedBy = [f.help ? `${fid}-help` : '', err ? `${fid}-err` : ''].filter(Boolean).join(' ');
        const common = {
          id: fid, name: f.name, required: true, value: values[f.name] ?? '',
          'aria-invalid': err ? ('true' as const) : undefined,
          ...(describedBy ? { 'aria-describedby': describedBy } : {}),
          onInput: (e: Event) => setValues({ ...values, [f.name]: (e.currentTarget as HTMLInputElement).value }),
        };
        return (
          <div class="cc-field" key={f.name}>
            <label for={fid}>{f.label}</label>
            {f.multiline ? (
              <textarea {...common} rows={6} spellcheck={false} autoComplete="off" />
            ) : (
              <input {...common} type={f.secret ? 'password' : 'text'} autoComplete="off" spellcheck={false} />
            )}
            {f.help ? <span id={`${fid}-help`} class="cc-sub">{f.help}</span> : null}
            {err ? <span id={`${fid}-err`} class="cc-field-error">{err}</span> : null}
          </div>
        );
      })}
      {submitError ? <p class="cc-field-error" role="alert">{submitError}</p> : null}
      <div class="cc-actions">
        <button type="submit" class="cc-button cc-button-primary" disabled={busy}>{busy ? 'Saving…' : 'Save and connect'}</button>
        <button type="button" class="cc-button" onClick={props.onCancel}>Cancel</button>
      </div>
    </form>
  );
}
