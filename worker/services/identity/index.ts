/**
 * Identity services: sync (link every system's companies), resolution (which account is this
 * company?), review decisions and splits. Policy lives in worker/policies/identity.
 */
export { syncIdentity, type SyncStats } from './sync.js';
export { raiseReviews, resolveCandidate, recordLabel, type ResolveOptions, type Subject } from './resolve.js';
export { decideReview, ReviewDecisionSchema, type DecisionContext, type DecisionResult, type ReviewDecision } from './reviews.js';
export { splitLink, SplitSchema, type SplitRequest, type SplitResult } from './split.js';
export { fieldsOf, keysOf, storedRecord } from './records.js';
