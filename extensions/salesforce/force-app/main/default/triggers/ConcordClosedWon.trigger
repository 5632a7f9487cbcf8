/**
 * Tells Concord when an Opportunity becomes closed-won. The callout runs later in a Queueable
 * (triggers may not call out); all logic lives in ConcordClosedWonHandler.
 */
trigger ConcordClosedWon on Opportunity (after update) {
    ConcordClosedWonHandler.afterUpdate(Trigger.new, Trigger.oldMap);
}
