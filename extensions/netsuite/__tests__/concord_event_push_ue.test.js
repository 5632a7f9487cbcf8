/**
 * The Concord event push user event script, with @oracle/suitecloud-unit-testing's stubs of the
 * N/ modules. N/crypto is given a working HMAC (node:crypto) over a fake API-secret store, so the
 * exact signature is checked: the vector below is the one test/unit/netsuite-events.test.ts
 * checks the broker's verifier with.
 */
import { createHmac } from 'node:crypto';
import script from 'SuiteScripts/concord/concord_event_push_ue';
import crypto from 'N/crypto';
import random from 'N/crypto/random';
import https from 'N/https';
import log from 'N/log';
import runtime from 'N/runtime';
import Script from 'N/runtime/script';

jest.mock('N/crypto');
jest.mock('N/crypto/random');
jest.mock('N/https');
jest.mock('N/log');
jest.mock('N/runtime');
jest.mock('N/runtime/script');

// Shared test vector (test/unit/netsuite-events.test.ts).
const SECRET = 'concord-netsuite-test-secret-0123456789';
const TIMESTAMP = 1764140400000;
const EVENT_ID = '3f1c2a9e-8b7d-4c5e-9f0a-1b2c3d4e5f60';
const BODY =
  '{"accountId":"TSTDRV1234567","recordType":"invoice","recordId":"5012","eventType":"edit","lastModified":"2025-11-26T06:59:58.000Z","eventId":"3f1c2a9e-8b7d-4c5e-9f0a-1b2c3d4e5f60"}';
const SIGNATURE = 'C5akdFNkRRX3GsUDLfdxs8VwEpIfYOdQAPzJjlzU76k=';

const SECRET_ID = 'custsecret_concord_events';
const BROKER = 'https://concord.example.com';

/** API secrets of the fake account, by script id. */
let secrets;
/** Script parameters of the deployment. */
let params;
/** Every signature the fake N/crypto produced (none may reach a log). */
let signatures;

/** N/crypto over node:crypto: HMAC-SHA256 with the API secret named by the key, encodings checked. */
function fakeCrypto() {
  crypto.createSecretKey.mockImplementation((options) => {
    if (!(options.secret in secrets)) {
      throw Object.assign(new Error(`The secret ${options.secret} does not exist or this script may not use it.`), { name: 'INVALID_SECRET_KEY' });
    }
    if (options.encoding !== 'UTF_8') throw new Error('secret encoding must be UTF_8');
    return { secret: options.secret, encoding: options.encoding };
  });
  crypto.createHmac.mockImplementation((options) => {
    if (options.algorithm !== 'SHA256') throw new Error('expected SHA256');
    const mac = createHmac('sha256', Buffer.from(secrets[options.key.secret], 'utf8'));
    return {
      update: ({ input, inputEncoding }) => {
        if (inputEncoding !== 'UTF_8') throw new Error('input encoding must be UTF_8');
        mac.update(input, 'utf8');
      },
      digest: ({ outputEncoding }) => {
        if (outputEncoding !== 'BASE_64') throw new Error('output encoding must be BASE_64');
        const signature = mac.digest('base64');
        signatures.push(signature);
        return signature;
      },
    };
  });
}

function record(type, id, lastModified = new Date('2025-11-26T06:59:58Z')) {
  return { type, id, getValue: ({ fieldId }) => (fieldId === 'lastmodifieddate' ? lastModified : undefined) };
}

function run(type, rec, old = rec) {
  script.afterSubmit({ type, newRecord: type === 'delete' ? null : rec, oldRecord: type === 'create' ? null : old });
}

const posts = () => https.post.mock.calls.map(([options]) => options);
const logged = () => JSON.stringify(['debug', 'audit', 'error', 'emergency'].flatMap((level) => log[level].mock.calls));
const errors = () => log.error.mock.calls.map(([entry]) => entry);

beforeEach(() => {
  jest.clearAllMocks();
  jest.useFakeTimers().setSystemTime(TIMESTAMP);
  secrets = { [SECRET_ID]: SECRET };
  params = { custscript_concord_broker_url: BROKER, custscript_concord_max_attempts: 3 };
  signatures = [];
  fakeCrypto();
  random.generateUUID.mockReturnValue(EVENT_ID);
  runtime.accountId = 'TSTDRV1234567';
  runtime.getCurrentScript.mockReturnValue(Script);
  Script.getParameter.mockImplementation(({ name }) => params[name]);
  Script.getRemainingUsage.mockReturnValue(1000);
  https.post.mockReturnValue({ code: 202, body: '{"received":1}' });
});

afterEach(() => {
  // Nothing secret is ever logged: not the secret, not a signature made with it.
  const text = logged();
  expect(text).not.toContain(SECRET);
  for (const signature of signatures) expect(text).not.toContain(signature);
  jest.useRealTimers();
});

describe('the signed request', () => {
  it('posts the shared test vector: exact body, headers and signature', () => {
    run('edit', record('invoice', 5012));
    expect(posts()).toEqual([
      {
        url: 'https://concord.example.com/v1/webhooks/netsuite',
        body: BODY,
        headers: {
          'Content-Type': 'application/json',
          'X-Concord-Account-Id': 'TSTDRV1234567',
          'X-Concord-Timestamp': String(TIMESTAMP),
          'X-Concord-Signature': SIGNATURE,
        },
      },
    ]);
    expect(crypto.createSecretKey).toHaveBeenCalledWith({ secret: SECRET_ID, encoding: 'UTF_8' });
    expect(log.error).not.toHaveBeenCalled();
  });

  it('signs the path under the broker base path, and a trailing slash changes nothing', () => {
    params.custscript_concord_broker_url = 'https://example.com/concord/';
    run('edit', record('invoice', 5012));
    const [post] = posts();
    expect(post.url).toBe('https://example.com/concord/v1/webhooks/netsuite');
    const expected = createHmac('sha256', SECRET).update(`POST\n/concord/v1/webhooks/netsuite\n${TIMESTAMP}\n${BODY}`).digest('base64');
    expect(post.headers['X-Concord-Signature']).toBe(expected);
  });
});

describe('the event body', () => {
  const types = ['invoice', 'customerpayment', 'creditmemo', 'salesorder', 'subscription', 'customer'];

  it.each(types)('%s: create, edit and xedit carry the record lastmodifieddate; delete the time of the delete', (recordType) => {
    for (const eventType of ['create', 'edit', 'xedit', 'delete']) {
      https.post.mockClear();
      run(eventType, record(recordType, 731));
      const body = JSON.parse(posts()[0].body);
      expect(Object.keys(body)).toEqual(['accountId', 'recordType', 'recordId', 'eventType', 'lastModified', 'eventId']);
      expect(body).toEqual({
        accountId: 'TSTDRV1234567',
        recordType,
        recordId: '731',
        eventType,
        lastModified: eventType === 'delete' ? new Date(TIMESTAMP).toISOString() : '2025-11-26T06:59:58.000Z',
        eventId: EVENT_ID,
      });
    }
  });

  it('uses the time of the save when NetSuite hands over no lastmodifieddate', () => {
    run('create', record('salesorder', 88, ''));
    expect(JSON.parse(posts()[0].body).lastModified).toBe(new Date(TIMESTAMP).toISOString());
  });

  it('sends approve and cancel of a sales order as they are', () => {
    run('approve', record('salesorder', 88));
    run('cancel', record('salesorder', 88));
    expect(posts().map((p) => JSON.parse(p.body).eventType)).toEqual(['approve', 'cancel']);
  });

  it('posts nothing for a record type Concord does not subscribe to, or an event type that is not a change', () => {
    run('edit', record('vendorbill', 12));
    run('create', record('employee', 3));
    run('copy', record('invoice', 5012));
    expect(https.post).not.toHaveBeenCalled();
    expect(crypto.createHmac).not.toHaveBeenCalled();
    expect(log.error).not.toHaveBeenCalled();
  });
});

describe('failures are bounded and never silent', () => {
  it('retries a connection failure and a 5xx with the same event, freshly signed each time', () => {
    const answers = [
      () => {
        throw Object.assign(new Error('Connection timed out'), { name: 'SSS_CONNECTION_TIME_OUT' });
      },
      () => ({ code: 503, body: '{"code":"unavailable"}' }),
      () => ({ code: 202, body: '{"received":1}' }),
    ];
    https.post.mockImplementation(() => {
      jest.advanceTimersByTime(1500); // each attempt takes time: the next one has a new timestamp
      return answers.shift()();
    });
    run('edit', record('invoice', 5012));
    const sent = posts();
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((p) => p.body))).toEqual(new Set([BODY]));
    const stamps = sent.map((p) => p.headers['X-Concord-Timestamp']);
    expect(new Set(stamps).size).toBe(3);
    for (const p of sent) {
      const expected = createHmac('sha256', SECRET).update(`POST\n/v1/webhooks/netsuite\n${p.headers['X-Concord-Timestamp']}\n${BODY}`).digest('base64');
      expect(p.headers['X-Concord-Signature']).toBe(expected);
    }
    expect(log.audit).toHaveBeenCalledTimes(2);
    expect(log.audit.mock.calls[0][0].details).toMatchObject({ eventId: EVENT_ID, attempts: 1, error: 'SSS_CONNECTION_TIME_OUT: Connection timed out' });
    expect(log.audit.mock.calls[1][0].details).toMatchObject({ attempts: 2, status: 503, problem: 'unavailable' });
    expect(log.error).not.toHaveBeenCalled();
  });

  it('gives up after the configured attempts and logs an error naming the event', () => {
    https.post.mockReturnValue({ code: 503, body: 'Service Unavailable' });
    params.custscript_concord_max_attempts = 2;
    run('edit', record('invoice', 5012));
    expect(https.post).toHaveBeenCalledTimes(2);
    expect(errors()).toEqual([
      {
        title: 'Concord event not delivered',
        details: expect.objectContaining({ eventId: EVENT_ID, recordType: 'invoice', recordId: '5012', eventType: 'edit', attempts: 2, status: 503 }),
      },
    ]);
  });

  it('caps the attempts at 5 and defaults to 3', () => {
    https.post.mockReturnValue({ code: 500, body: '' });
    params.custscript_concord_max_attempts = 50;
    run('edit', record('invoice', 5012));
    expect(https.post).toHaveBeenCalledTimes(5);
    https.post.mockClear();
    delete params.custscript_concord_max_attempts;
    run('edit', record('invoice', 5012));
    expect(https.post).toHaveBeenCalledTimes(3);
  });

  it('retries 429 and 408 but not a refusal: a bad signature is logged with the broker code, once', () => {
    https.post.mockReturnValueOnce({ code: 429, body: '' }).mockReturnValueOnce({ code: 408, body: '' }).mockReturnValueOnce({ code: 202, body: '' });
    run('edit', record('invoice', 5012));
    expect(https.post).toHaveBeenCalledTimes(3);
    https.post.mockReset();
    https.post.mockReturnValue({ code: 401, body: '{"type":"https://concord.dev/problems/invalid_signature","code":"invalid_signature","status":401}' });
    run('edit', record('invoice', 5012));
    expect(https.post).toHaveBeenCalledTimes(1);
    expect(errors()[0].details).toMatchObject({ attempts: 1, status: 401, problem: 'invalid_signature' });
  });

  it('logs no secret: only the broker problem code, never its answer body or the request headers', () => {
    const echo = JSON.stringify({ code: 'bad_request', detail: `you sent ${SIGNATURE} signed with ${SECRET}` });
    https.post.mockReturnValue({ code: 400, body: echo });
    run('edit', record('invoice', 5012));
    expect(errors()[0].details).toMatchObject({ status: 400, problem: 'bad_request' });
    const text = logged();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SIGNATURE);
    expect(text).not.toContain('X-Concord-Signature');
  });

  it('stops when the script runs out of governance for another post', () => {
    https.post.mockReturnValue({ code: 503, body: '' });
    Script.getRemainingUsage.mockReturnValueOnce(1000).mockReturnValue(9);
    run('edit', record('invoice', 5012));
    expect(https.post).toHaveBeenCalledTimes(1);
    expect(errors()[0].details).toMatchObject({ attempts: 1, error: 'Not enough governance units left for another attempt.' });
  });

  it('logs and does not throw when the API secret is missing, posting nothing', () => {
    secrets = {};
    expect(() => run('edit', record('invoice', 5012))).not.toThrow();
    expect(https.post).not.toHaveBeenCalled();
    expect(errors()).toEqual([{ title: 'Concord event not sent', details: expect.stringContaining('INVALID_SECRET_KEY') }]);
  });

  it.each([[undefined], [''], ['http://concord.example.com'], ['https://concord.example.com/?x=1'], ['concord.example.com']])(
    'logs and posts nothing when the broker URL parameter is %p',
    (url) => {
      params.custscript_concord_broker_url = url;
      run('edit', record('invoice', 5012));
      expect(https.post).not.toHaveBeenCalled();
      expect(errors()).toEqual([{ title: 'Concord event not sent: script not configured', details: expect.stringContaining('custscript_concord_broker_url') }]);
    },
  );
});
