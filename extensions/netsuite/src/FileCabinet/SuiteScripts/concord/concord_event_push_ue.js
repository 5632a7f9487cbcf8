/**
 * Concord event push, user event script: after a subscribed record (invoice, customer payment,
 * credit memo, sales order, subscription, customer) is saved or deleted, tell the Concord broker
 * which record changed, in one small signed JSON event (concord_event_lib.js).
 *
 * Why a user event `afterSubmit` and not an Event Subscriber script: afterSubmit runs right after
 * the write, in the execution contexts the deployment allows (UI, web services, scripts; never
 * from another user event script), with the event type (create, edit, xedit, delete, ...) and the
 * old/new record at hand, and @oracle/suitecloud-unit-testing stubs everything it uses
 * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4407992281.html,
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4490073437.html).
 * Event Subscriber scripts (2026.2) run asynchronously, which would spare the user the callout's
 * latency, but their documented payload is only the record type and id
 * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/article_9100524955.html).
 *
 * The callout adds its latency to the save (NetSuite: 5 s to connect, 45 s for the payload), so
 * attempts are bounded. A failure never blocks or undoes the save: it is logged, and Concord's
 * scheduled NetSuite poll (SuiteQL on lastmodifieddate) is the safety net.
 *
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * @NModuleScope SameAccount
 */
define(['N/log', 'N/runtime', './concord_event_lib'], (log, runtime, lib) => {
    /**
     * @param {Object} context
     * @param {Record} context.newRecord
     * @param {Record} context.oldRecord
     * @param {string} context.type one of context.UserEventType
     */
    function afterSubmit(context) {
        try {
            const record = context.type === 'delete' ? context.oldRecord || context.newRecord : context.newRecord || context.oldRecord;
            const event = lib.eventFor({ accountId: runtime.accountId, record, eventType: context.type, now: new Date() });
            if (!event) {
                log.debug({ title: 'Concord event skipped', details: { recordType: record && record.type, eventType: context.type } });
                return;
            }
            const config = lib.readConfig();
            if (!config.ok) {
                log.error({ title: 'Concord event not sent: script not configured', details: config.problem });
                return;
            }
            lib.deliver(event, config);
        } catch (e) {
            // Never fail the user's save for Concord: the record is already written.
            log.error({ title: 'Concord event not sent', details: lib.describe(e) });
        }
    }

    return { afterSubmit };
});
