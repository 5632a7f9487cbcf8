/**
 * Record changes made through the emulated REST API (single, Collections and Composite writes all
 * end in records.ts `insertRecord` / `applyUpdate`), for what reacts to them inside the org: the
 * installed Concord package's closed-won trigger (sandbox/salesforce/package/). A listener's
 * failure never fails the API call that made the change.
 */
import type { SalesforceRecord } from '../seed/types.js';
import type { SObjectType } from './schema.js';

/** One committed change: `before` is a copy of the record before an update, null for an insert. */
export interface RecordChange {
  type: SObjectType;
  record: SalesforceRecord;
  before: Readonly<SalesforceRecord> | null;
}

type Listener = (change: RecordChange) => void;
const listeners = new Set<Listener>();

/** Registers a listener (like an after-insert/after-update trigger); returns its removal. */
export function onRecordChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the listeners about a change. */
export function notifyRecordChange(change: RecordChange): void {
  for (const listener of listeners) {
    try {
      listener(change);
    } catch (err) {
      console.error('[sandbox] salesforce change listener failed', err);
    }
  }
}
