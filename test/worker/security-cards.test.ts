/**
 * Issue 8, item 3: a validly signed card request that names `portalId`, `userId`, `appId`,
 * `objectId` or `objectType` twice (plainly or percent-encoded) is refused with 400 instead of
 * being routed by the first value, and `appId` must be the app's own id (HUBSPOT_APP_ID).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PORTAL, connectWithPortal, hubspotFetch } from './cards-helpers.js';

interface Problem {
  code: string;
  errors?: { path: string; code: string }[];
}

beforeAll(async () => {
  await connectWithPortal('demo');
  await connectWithPortal('other');
});

const view = (query: string) => `/v1/cards/hubspot/view?objectType=companies&objectId=1&${query}`;

describe('signed card requests with a repeated routing parameter', () => {
  const cases: [string, string][] = [
    ['portalId twice', `portalId=${PORTAL.other}&portalId=${PORTAL.demo}&userId=101&appId=42`],
    ['portalId twice, the second percent-encoded', `portalId=${PORTAL.other}&portal%49d=${PORTAL.demo}&userId=101&appId=42`],
    ['portalId twice, the name fully percent-encoded', `%70%6F%72%74%61%6C%49%64=${PORTAL.other}&portalId=${PORTAL.demo}&userId=101&appId=42`],
    ['userId twice', `portalId=${PORTAL.demo}&userId=101&userId=999&appId=42`],
    ['appId twice', `portalId=${PORTAL.demo}&userId=101&appId=42&appId=42`],
  ];
  for (const [name, query] of cases) {
    it(`answers 400 for ${name}`, async () => {
      const res = await hubspotFetch('GET', view(query));
      expect(res.status).toBe(400);
      const p = (await res.json()) as Problem;
      expect(p.errors?.[0]?.code).toBe('duplicate_parameter');
    });
  }

  it('answers 400 for objectId or objectType twice', async () => {
    for (const path of [
      `/v1/cards/hubspot/view?objectType=companies&objectId=1&objectId=2&portalId=${PORTAL.demo}&appId=42`,
      `/v1/cards/hubspot/view?objectType=companies&object%54ype=deals&objectId=1&portalId=${PORTAL.demo}&appId=42`,
    ]) {
      const res = await hubspotFetch('GET', path);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Problem).errors?.[0]?.code).toBe('duplicate_parameter');
    }
  });
});

describe('appId', () => {
  it("must be the app's id", async () => {
    const wrong = await hubspotFetch('GET', view(`portalId=${PORTAL.demo}&userId=101&appId=43`));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as Problem).errors?.[0]).toMatchObject({ path: 'appId', code: 'app_mismatch' });
    const missing = await hubspotFetch('GET', view(`portalId=${PORTAL.demo}&userId=101`));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as Problem).errors?.[0]?.path).toBe('appId');
  });

  it('a well-formed request still reaches the portal it names', async () => {
    const res = await hubspotFetch('GET', view(`portalId=${PORTAL.demo}&userId=101&appId=42`));
    // objectId 1 is no company of the demo portal: a clean 404 from the right tenant, not a 400.
    expect([200, 404]).toContain(res.status);
  });
});
