/**
 * Concord event push: what one saved record becomes on the wire, how it is signed and how it is
 * delivered. Used by concord_event_push_ue.js (the user event script); kept apart so the entry
 * script returns nothing but its entry point.
 *
 * Event body (worker/connectors/netsuite/events.ts is the broker's schema of it):
 *   {accountId, recordType, recordId, eventType, lastModified, eventId}
 * Request: POST <broker URL>/v1/webhooks/netsuite with
 *   X-Concord-Account-Id  runtime.accountId
 *   X-Concord-Timestamp   epoch milliseconds
 *   X-Concord-Signature   base64(HMAC-SHA256(secret, "POST\n" + path + "\n" + timestamp + "\n" + body))
 * the scheme the Salesforce package uses too (extensions/salesforce ConcordSignature.cls).
 *
 * The secret never enters this code: it is an API secret (Setup > Company > Preferences > API
 * Secrets) named by its script id, and N/crypto computes the HMAC with it.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4358653390.html (crypto.createSecretKey, options.secret)
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4358647613.html (crypto.createHmac)
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_457765136718.html (Hmac.update, inputEncoding)
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_459978271483.html (Hmac.digest, outputEncoding)
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/article_160216486846.html (Secrets Management)
 *
 * @NApiVersion 2.1
 * @NModuleScope SameAccount
 */
define(['N/crypto', 'N/crypto/random', 'N/encode', 'N/https', 'N/log', 'N/runtime'], (crypto, random, encode, https, log, runtime) => {
    /** Below the broker's base URL. */
    const EVENT_PATH = '/v1/webhooks/netsuite';
    /** Script id of the API secret that holds this account's signing secret. */
    const SECRET_ID = 'custsecret_concord_events';
    /** Script parameters (src/Objects/customscript_concord_event_push.xml). */
    const PARAM_BROKER_URL = 'custscript_concord_broker_url';
    const PARAM_MAX_ATTEMPTS = 'custscript_concord_max_attempts';
    const DEFAULT_MAX_ATTEMPTS = 3;
    const MAX_ATTEMPTS_CAP = 5;
    /** https.post costs 10 units (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4567628658.html). */
    const UNITS_PER_POST = 10;

    /** Record types the script is deployed on (newRecord.type). Anything else is not sent. */
    const RECORD_TYPES = ['invoice', 'customerpayment', 'creditmemo', 'salesorder', 'subscription', 'customer'];
    /**
     * context.UserEventType values that reach afterSubmit
     * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4407992281.html).
     */
    const EVENT_TYPES = ['create', 'edit', 'xedit', 'delete', 'approve', 'reject', 'cancel', 'pack', 'ship', 'dropship', 'specialorder', 'orderitems', 'paybills'];

    /** The broker's base URL must be https (N/https) with no query or fragment; a base path is kept. */
    const BASE_URL = /^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

    /**
     * Reads the deployment's parameters.
     * @returns {{ok: true, url: string, path: string, maxAttempts: number} | {ok: false, problem: string}}
     */
    function readConfig() {
        const script = runtime.getCurrentScript();
        const base = String(script.getParameter({ name: PARAM_BROKER_URL }) || '').trim();
        const match = BASE_URL.exec(base);
        if (!match) return { ok: false, problem: `Script parameter ${PARAM_BROKER_URL} must be the broker's https base URL (for example https://concord.example.com).` };
        const basePath = (match[1] || '').replace(/\/+$/, '');
        const origin = base.slice(0, base.length - (match[1] || '').length);
        const path = basePath + EVENT_PATH;
        const wanted = Number(script.getParameter({ name: PARAM_MAX_ATTEMPTS }));
        const maxAttempts = Number.isInteger(wanted) && wanted >= 1 ? Math.min(wanted, MAX_ATTEMPTS_CAP) : DEFAULT_MAX_ATTEMPTS;
        return { ok: true, url: origin + path, path, maxAttempts };
    }

    /** ISO 8601 UTC of the record's lastmodifieddate when NetSuite hands it over, else of `now`. */
    function lastModifiedOf(record, eventType, now) {
        if (eventType !== 'delete' && record && typeof record.getValue === 'function') {
            const value = record.getValue({ fieldId: 'lastmodifieddate' });
            if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
        }
        // A deleted record has no new modification date; the script runs after the save, so its
        // own clock is never earlier than the change.
        return now.toISOString();
    }

    /**
     * The event for one afterSubmit call, or null when the record type or event type is not one
     * Concord subscribes to. Key order is fixed: the body is signed as serialised.
     */
    function eventFor(options) {
        const record = options.record;
        const recordType = record && record.type;
        if (RECORD_TYPES.indexOf(recordType) < 0 || EVENT_TYPES.indexOf(options.eventType) < 0) return null;
        if (record.id === undefined || record.id === null || record.id === '') return null;
        return {
            accountId: String(options.accountId),
            recordType,
            recordId: String(record.id),
            eventType: options.eventType,
            lastModified: lastModifiedOf(record, options.eventType, options.now),
            // One id per script execution; every retry of this event repeats it.
            eventId: random.generateUUID(),
        };
    }

    /** The exact text both sides sign (the broker's concordStringToSign). */
    function stringToSign(method, pathWithQuery, timestamp, body) {
        return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${body}`;
    }

    /** base64(HMAC-SHA256(API secret, message)), computed by N/crypto; the secret stays in NetSuite. */
    function sign(message) {
        const key = crypto.createSecretKey({ secret: SECRET_ID, encoding: encode.Encoding.UTF_8 });
        const hmac = crypto.createHmac({ algorithm: crypto.HashAlg.SHA256, key });
        hmac.update({ input: message, inputEncoding: encode.Encoding.UTF_8 });
        return hmac.digest({ outputEncoding: encode.Encoding.BASE_64 });
    }

    /** Worth another attempt: the broker was unreachable, slow, overloaded or failed. */
    function retryable(code) {
        return code === 408 || code === 429 || code >= 500;
    }

    /** The broker's problem+json `code` (e.g. invalid_signature), never the whole body. */
    function problemCode(body) {
        try {
            const parsed = JSON.parse(body);
            return parsed && typeof parsed.code === 'string' ? parsed.code.slice(0, 64) : undefined;
        } catch (e) {
            return undefined;
        }
    }

    /** Error name and message, shortened: no request headers (they carry the signature). */
    function describe(error) {
        const text = error && (error.name || error.message) ? `${error.name || 'Error'}: ${error.message || ''}` : String(error);
        return text.slice(0, 300);
    }

    /** What is logged about an event: its identity, not its signature. */
    function summary(event) {
        return { eventId: event.eventId, recordType: event.recordType, recordId: event.recordId, eventType: event.eventType };
    }

    /**
     * Posts `event`, signing each attempt with a fresh timestamp, at most `config.maxAttempts` times
     * (back to back: SuiteScript has no sleep) while the broker fails in a retryable way and the
     * script has governance left. A refusal (4xx other than 408/429) is not retried: the same
     * request would be refused again. Every retry is logged as AUDIT, a final failure as ERROR.
     * @returns {{delivered: boolean, attempts: number, status?: number, problem?: string, error?: string}}
     */
    function deliver(event, config) {
        const body = JSON.stringify(event);
        let outcome = { delivered: false, attempts: 0 };
        for (let attempt = 1; attempt <= config.maxAttempts; attempt += 1) {
            if (runtime.getCurrentScript().getRemainingUsage() < UNITS_PER_POST) {
                outcome = Object.assign({}, outcome, { error: 'Not enough governance units left for another attempt.' });
                break;
            }
            const timestamp = String(Date.now());
            const headers = {
                'Content-Type': 'application/json',
                'X-Concord-Account-Id': event.accountId,
                'X-Concord-Timestamp': timestamp,
                'X-Concord-Signature': sign(stringToSign('POST', config.path, timestamp, body)),
            };
            let retry = true;
            try {
                const response = https.post({ url: config.url, body, headers });
                if (response.code >= 200 && response.code < 300) {
                    log.debug({ title: 'Concord event delivered', details: Object.assign(summary(event), { attempt, status: response.code }) });
                    return { delivered: true, attempts: attempt, status: response.code };
                }
                outcome = { delivered: false, attempts: attempt, status: response.code, problem: problemCode(response.body) };
                retry = retryable(response.code);
            } catch (e) {
                outcome = { delivered: false, attempts: attempt, error: describe(e) };
            }
            if (!retry || attempt === config.maxAttempts) break;
            log.audit({ title: 'Concord event retry', details: Object.assign(summary(event), outcome) });
        }
        log.error({
            title: 'Concord event not delivered',
            details: Object.assign(summary(event), outcome, { note: "Concord's scheduled NetSuite poll picks this change up." }),
        });
        return outcome;
    }

    return { EVENT_PATH, SECRET_ID, PARAM_BROKER_URL, PARAM_MAX_ATTEMPTS, RECORD_TYPES, EVENT_TYPES, readConfig, eventFor, stringToSign, sign, deliver, describe };
});
