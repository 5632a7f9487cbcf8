/**
 * NetSuite TBA signing (worker/connectors/netsuite/tba.ts) against published OAuth 1.0a vectors,
 * and the sandbox's independent verifier (sandbox/netsuite/tba.ts) against the signer: a signed
 * request reads, a tampered, replayed, stale or SHA-1 one is a 401 INVALID_LOGIN_ATTEMPT.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { baseStringUri, hmacSignature, normalizedParameters, percentEncode, signatureBaseString, tbaAuthorization, tbaRealm } from '../../worker/connectors/netsuite/tba.js';
import { createSandbox } from '../../sandbox/server.js';
import { baseStringOf } from '../../sandbox/netsuite/tba.js';

describe('OAuth 1.0a signature base string and HMAC', () => {
  it('normalises parameters as RFC 5849 section 3.4.1.3.2 shows', () => {
    // The decoded parameters of the RFC's example request (query, body and oauth_*).
    const pairs: [string, string][] = [
      ['b5', '=%3D'], ['a3', 'a'], ['c@', ''], ['a2', 'r b'],
      ['oauth_consumer_key', '9djdj82h48djs9d2'], ['oauth_token', 'kkk9d7dh3k39sjv7'], ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'], ['oauth_nonce', '7d8f3e4a'], ['c2', ''], ['a3', '2 q'],
    ];
    expect(normalizedParameters(pairs)).toBe(
      'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7',
    );
  });

  it('builds the base string URI as RFC 5849 section 3.4.1.2 shows', () => {
    expect(baseStringUri(new URL('HTTP://EXAMPLE.COM:80/r%20v/X?id=123'))).toBe('http://example.com/r%20v/X');
    expect(baseStringUri(new URL('https://www.example.net:8080/?q=1'))).toBe('https://www.example.net:8080/');
  });

  it('reproduces the RFC 5849 section 1.2 HMAC-SHA1 signature through the same code', async () => {
    const params = {
      oauth_consumer_key: 'dpf43f3p2l4k3l03',
      oauth_token: 'nnch734d00sl2jdk',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131202',
      oauth_nonce: 'chapoH',
    };
    const base = signatureBaseString('GET', 'http://photos.example.net/photos?file=vacation.jpg&size=original', params);
    expect(await hmacSignature(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00', 'HMAC-SHA1')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  });

  it('reproduces the OAuth Core 1.0 appendix A header (oauth_version included)', async () => {
    const header = await tbaAuthorization(
      { accountId: 'Photos', consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44', tokenId: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00' },
      'GET',
      'http://photos.example.net/photos?file=vacation.jpg&size=original',
      { nonce: 'kllo9940pd9333jh', timestamp: 1191242096, signatureMethod: 'HMAC-SHA1' },
    );
    expect(header).toContain('oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"');
    expect(header).toContain('oauth_version="1.0"');
  });

  it('signs HMAC-SHA256 as NetSuite requires, with the upper-case realm', async () => {
    const secrets = { accountId: '1234567-sb1', consumerKey: 'ck-0123456789', consumerSecret: 'cs-0123456789', tokenId: 'tk-0123456789', tokenSecret: 'ts-0123456789' };
    const url = 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=5&offset=10';
    const header = await tbaAuthorization(secrets, 'POST', url, { nonce: 'abcdefghij0123456789', timestamp: 1764145200 });
    expect(header.startsWith('OAuth realm="1234567_SB1", ')).toBe(true);
    expect(header).toContain('oauth_signature_method="HMAC-SHA256"');
    // Independent check: node:crypto over the base string written out by hand.
    const base =
      'POST&https%3A%2F%2F1234567-sb1.suitetalk.api.netsuite.com%2Fservices%2Frest%2Fquery%2Fv1%2Fsuiteql&' +
      percentEncode('limit=5&oauth_consumer_key=ck-0123456789&oauth_nonce=abcdefghij0123456789&oauth_signature_method=HMAC-SHA256&oauth_timestamp=1764145200&oauth_token=tk-0123456789&oauth_version=1.0&offset=10');
    const expected = createHmac('sha256', 'cs-0123456789&ts-0123456789').update(base).digest('base64');
    expect(header).toContain(`oauth_signature="${percentEncode(expected)}"`);
    // The sandbox builds the same base string on its own.
    const params = Object.fromEntries([...header.slice(6).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, decodeURIComponent(m[2]!)]));
    expect(baseStringOf('POST', url, params)).toBe(base);
  });

  it('a fresh nonce and timestamp every time', async () => {
    const secrets = { accountId: '1', consumerKey: 'ck-0123456789', consumerSecret: 'x', tokenId: 'tk-0123456789', tokenSecret: 'y' };
    const a = await tbaAuthorization(secrets, 'GET', 'https://h/x');
    const b = await tbaAuthorization(secrets, 'GET', 'https://h/x');
    const nonce = (h: string) => /oauth_nonce="([^"]+)"/.exec(h)![1];
    expect(nonce(a)).not.toBe(nonce(b));
    expect(nonce(a)).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(tbaRealm('tstdrv123_sb1')).toBe('TSTDRV123_SB1');
  });
});

describe('the sandbox verifies TBA signatures', () => {
  const sandbox = createSandbox({ anchorDate: '2026-11-26' });
  const credentials = async () => {
    const res = await sandbox.app.request('/__sandbox/netsuite/tba-credentials', { method: 'POST', body: JSON.stringify({ tenant: 'demo' }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
    return (await res.json()) as { accountId: string; consumerKey: string; consumerSecret: string; tokenId: string; tokenSecret: string };
  };
  const URL_ = 'http://sandbox.test/netsuite/services/rest/record/v1/customer?limit=2';
  const get = (authorization: string) => sandbox.app.request(URL_, { headers: { authorization } });
  const code = async (res: Response) => ((await res.json()) as { 'o:errorDetails': { 'o:errorCode': string; detail: string }[] })['o:errorDetails'][0]!;

  it('reads with a signed request and refuses the same nonce twice', async () => {
    const creds = await credentials();
    const header = await tbaAuthorization(creds, 'GET', URL_);
    const ok = await get(header);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { count: number }).count).toBe(2);
    const replay = await get(header);
    expect(replay.status).toBe(401);
    expect(await code(replay)).toMatchObject({ 'o:errorCode': 'INVALID_LOGIN_ATTEMPT', detail: expect.stringContaining('NonceUsed') });
  });

  it('refuses a tampered signature, a wrong secret, a stale timestamp, HMAC-SHA1 and a token used as bearer', async () => {
    const creds = await credentials();
    const good = await tbaAuthorization(creds, 'GET', URL_);
    const tampered = good.replace(/oauth_signature="([^"]+)"/, (_m, s: string) => `oauth_signature="${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}"`);
    expect(await code(await get(tampered))).toMatchObject({ 'o:errorCode': 'INVALID_LOGIN_ATTEMPT', detail: expect.stringContaining('InvalidSignature') });
    // The untampered header still works: a forged request did not burn its nonce.
    expect((await get(good)).status).toBe(200);
    const wrongSecret = await tbaAuthorization({ ...creds, tokenSecret: `${creds.tokenSecret}x` }, 'GET', URL_);
    expect(await code(await get(wrongSecret))).toMatchObject({ detail: expect.stringContaining('InvalidSignature') });
    const stale = await tbaAuthorization(creds, 'GET', URL_, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(await code(await get(stale))).toMatchObject({ detail: expect.stringContaining('InvalidTimestamp') });
    const sha1 = await tbaAuthorization(creds, 'GET', URL_, { signatureMethod: 'HMAC-SHA1' });
    expect(await code(await get(sha1))).toMatchObject({ detail: expect.stringContaining('InvalidSignatureMethod') });
    const otherRealm = await tbaAuthorization({ ...creds, accountId: 'TSTDRV7654321' }, 'GET', URL_);
    expect(await code(await get(otherRealm))).toMatchObject({ detail: expect.stringContaining('InvalidAccount') });
    const bearer = await get(`Bearer ${creds.tokenId}`);
    expect(bearer.status).toBe(401);
    expect(await code(bearer)).toMatchObject({ 'o:errorCode': 'INVALID_LOGIN' });
  });

  it('signs query parameters: a changed query is refused', async () => {
    const creds = await credentials();
    const header = await tbaAuthorization(creds, 'GET', URL_);
    const res = await sandbox.app.request(URL_.replace('limit=2', 'limit=3'), { headers: { authorization: header } });
    expect(res.status).toBe(401);
  });
});
