/**
 * Dates in SuiteQL. Inside the evaluator a date is a number (ms since the epoch, UTC). Out of a
 * query it becomes text in the account's date-format preference, as NetSuite's SuiteQL answers
 * (like SuiteScript's N/query, and unlike record/v1, which answers ISO dates and UTC datetimes:
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157305090645.html, whose
 * table shows the preference forms "10/05/2018" for a date and "10/05/2018 10:15 am" for a
 * datetime). Integrations that need ISO ask for `TO_CHAR(col, 'YYYY-MM-DD')`.
 *
 * Two format languages live here: NetSuite's preference patterns (`M/D/YYYY`, `DD.MM.YYYY`,
 * `DD-Mon-YYYY`, `h:mm a` ...) and Oracle's TO_CHAR/TO_DATE models (`YYYY-MM-DD HH24:MI:SS`,
 * `"T"` for a literal). Times are in UTC: the sandbox account's time zone.
 */
import { SuiteQlError } from './errors.js';

/** The account's date and time preferences (Setup > Company > General Preferences). */
export interface NetSuiteDatePreferences {
  dateFormat: NetSuiteDateFormat;
  timeFormat: NetSuiteTimeFormat;
}

/** Date formats NetSuite offers in its preferences (a subset: the numeric and month-name ones). */
export const NETSUITE_DATE_FORMATS = [
  'M/D/YYYY', 'D/M/YYYY', 'MM/DD/YYYY', 'DD/MM/YYYY', 'D.M.YYYY', 'DD.MM.YYYY', 'YYYY/MM/DD', 'YYYY-MM-DD', 'DD-Mon-YYYY', 'D-Mon-YYYY', 'DD MONTH, YYYY',
] as const;
export type NetSuiteDateFormat = (typeof NETSUITE_DATE_FORMATS)[number];
export const NETSUITE_TIME_FORMATS = ['h:mm a', 'H:mm'] as const;
export type NetSuiteTimeFormat = (typeof NETSUITE_TIME_FORMATS)[number];

/** NetSuite's defaults for a US account. */
export const DEFAULT_DATE_PREFERENCES: NetSuiteDatePreferences = { dateFormat: 'M/D/YYYY', timeFormat: 'h:mm a' };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_MS = 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Epoch ms of a stored value: `YYYY-MM-DD` or an ISO datetime; parsed once per distinct text. */
const parsed = new Map<string, number | null>();
export function storedTime(text: string): number | null {
  let t = parsed.get(text);
  if (t === undefined) {
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    t = Number.isNaN(ms) ? null : ms;
    if (parsed.size > 50_000) parsed.clear();
    parsed.set(text, t);
  }
  return t;
}

/** Midnight UTC of the day of `ms` (dates carry no time). */
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** A date in the account's date format. */
export function formatAccountDate(ms: number, format: NetSuiteDateFormat): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return format.replace(/YYYY|MONTH|Mon|MM|M|DD|D/g, (tok) => {
    switch (tok) {
      case 'YYYY': return String(y);
      case 'MONTH': return MONTHS[m - 1]!;
      case 'Mon': return MONTHS[m - 1]!.slice(0, 3);
      case 'MM': return pad(m);
      case 'M': return String(m);
      case 'DD': return pad(day);
      default: return String(day);
    }
  });
}

/** A datetime in the account's date and time formats (NetSuite's "10/05/2018 10:15 am"). */
export function formatAccountDateTime(ms: number, prefs: NetSuiteDatePreferences): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const mi = pad(d.getUTCMinutes());
  const time = prefs.timeFormat === 'H:mm' ? `${h}:${mi}` : `${h % 12 === 0 ? 12 : h % 12}:${mi} ${h < 12 ? 'am' : 'pm'}`;
  return `${formatAccountDate(ms, prefs.dateFormat)} ${time}`;
}

/** Text in the account's date format to a date, or null (Oracle's implicit conversion, NLS_DATE_FORMAT). */
export function parseAccountDate(text: string, format: NetSuiteDateFormat): number | null {
  const groups: string[] = [];
  const source = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/YYYY|MONTH|Mon|MM|M|DD|D/g, (tok) => {
    groups.push(tok);
    return tok === 'YYYY' ? '(\\d{4})' : tok === 'MONTH' || tok === 'Mon' ? '([A-Za-z]+)' : '(\\d{1,2})';
  });
  const m = new RegExp(`^${source}$`).exec(text.trim());
  if (!m) return null;
  const parts: Record<string, string> = {};
  groups.forEach((g, i) => (parts[g.replace(/^(MM|M)$/, 'M').replace(/^(DD|D)$/, 'D').replace(/^(MONTH|Mon)$/, 'N')] = m[i + 1]!));
  const month = parts.N ? monthIndex(parts.N) : Number(parts.M);
  return build(Number(parts.YYYY), month, Number(parts.D), 0, 0, 0);
}

function monthIndex(name: string): number {
  const i = MONTHS.findIndex((m) => m.toLowerCase() === name.toLowerCase() || m.slice(0, 3).toLowerCase() === name.toLowerCase());
  return i + 1;
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59)) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  return back.getUTCDate() === d && back.getUTCMonth() === mo - 1 ? ms : null;
}

// ---- Oracle format models (TO_CHAR / TO_DATE) ----

type Part = { lit: string } | { tok: string };
const ORACLE_TOKENS = ['YYYY', 'HH24', 'HH12', 'MONTH', 'MON', 'MM', 'DD', 'HH', 'MI', 'SS', 'AM', 'PM', 'YY'];

/** Split an Oracle datetime format model, or throw ORA-01821. */
function oracleModel(format: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch === '"') {
      const end = format.indexOf('"', i + 1);
      if (end < 0) throw new SuiteQlError(`Date format '${format}' has an unterminated quoted literal (ORA-01821).`);
      parts.push({ lit: format.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if ('-/.,:; '.includes(ch)) {
      parts.push({ lit: ch });
      i++;
      continue;
    }
    const rest = format.slice(i);
    const tok = ORACLE_TOKENS.find((t) => rest.toUpperCase().startsWith(t));
    if (!tok) throw new SuiteQlError(`Date format not recognized: '${format}' (ORA-01821).`);
    // MON/MONTH keep the model's case for the output (Mon -> Nov, MON -> NOV).
    parts.push({ tok: tok === 'MON' || tok === 'MONTH' ? rest.slice(0, tok.length) : tok });
    i += tok.length;
  }
  return parts;
}

/** TO_CHAR(date, model). */
export function oracleFormat(ms: number, format: string): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const monthName = MONTHS[d.getUTCMonth()]!;
  return oracleModel(format)
    .map((p) => {
      if ('lit' in p) return p.lit;
      const upper = p.tok.toUpperCase();
      const cased = (name: string) => (p.tok === upper ? name.toUpperCase() : p.tok === p.tok.toLowerCase() ? name.toLowerCase() : name);
      switch (upper) {
        case 'YYYY': return String(d.getUTCFullYear());
        case 'YY': return pad(d.getUTCFullYear() % 100);
        case 'MM': return pad(d.getUTCMonth() + 1);
        case 'MON': return cased(monthName.slice(0, 3));
        case 'MONTH': return cased(monthName);
        case 'DD': return pad(d.getUTCDate());
        case 'HH24': return pad(h);
        case 'HH':
        case 'HH12': return pad(h % 12 === 0 ? 12 : h % 12);
        case 'MI': return pad(d.getUTCMinutes());
        case 'SS': return pad(d.getUTCSeconds());
        default: return h < 12 ? 'AM' : 'PM';
      }
    })
    .join('');
}

/** TO_DATE(text, model), or throw ORA-01861 when the text does not match. */
export function oracleParse(text: string, format: string): number {
  const model = oracleModel(format);
  const v: Record<string, number> = { YYYY: 1970, MM: 1, DD: 1, H: 0, MI: 0, SS: 0 };
  let pm: boolean | null = null;
  let i = 0;
  const src = text.trim();
  const fail = (): never => {
    throw new SuiteQlError(`'${text}' does not match the date format '${format}' (ORA-01861: literal does not match format string).`);
  };
  for (const p of model) {
    if ('lit' in p) {
      if (src.slice(i, i + p.lit.length).toLowerCase() !== p.lit.toLowerCase()) fail();
      i += p.lit.length;
      continue;
    }
    const upper = p.tok.toUpperCase();
    if (upper === 'MON' || upper === 'MONTH') {
      const m = /^[A-Za-z]+/.exec(src.slice(i))?.[0] ?? '';
      const idx = monthIndex(m);
      if (idx === 0) fail();
      v.MM = idx;
      i += m.length;
      continue;
    }
    if (upper === 'AM' || upper === 'PM') {
      const m = src.slice(i, i + 2).toUpperCase();
      if (m !== 'AM' && m !== 'PM') fail();
      pm = m === 'PM';
      i += 2;
      continue;
    }
    const width = upper === 'YYYY' ? 4 : 2;
    const m = new RegExp(`^\\d{1,${width}}`).exec(src.slice(i))?.[0];
    if (!m) fail();
    i += m!.length;
    const n = Number(m);
    if (upper === 'YYYY') v.YYYY = n;
    else if (upper === 'YY') v.YYYY = 2000 + n;
    else if (upper.startsWith('HH')) v.H = n;
    else v[upper] = n;
  }
  if (i !== src.length) fail();
  if (pm !== null) v.H = (v.H! % 12) + (pm ? 12 : 0);
  const ms = build(v.YYYY!, v.MM!, v.DD!, v.H!, v.MI!, v.SS!);
  if (ms === null) throw new SuiteQlError(`'${text}' is not a valid date (ORA-01839).`);
  return ms;
}
