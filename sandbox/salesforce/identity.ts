/**
 * Salesforce's Identity Service answers for the org's API user: the identity URL
 * (`https://login.salesforce.com/id/<orgId>/<userId>`, returned as `id` by the token endpoint)
 * and the OpenID Connect UserInfo endpoint. Both say which org and user a token belongs to
 * (`organization_id`, `user_id`), which is how an integration proves the org behind a token.
 * The sandbox host stands in for login.salesforce.com and the org's My Domain at once, so every
 * URL here starts with the sandbox's `/salesforce` instance URL.
 * https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_openid.htm (identity URL)
 * https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_userinfo_endpoint.htm (UserInfo)
 */
import type { SalesforceDataset, SalesforceRecord } from '../seed/types.js';
import { API_USER_ID } from '../seed/salesforce.js';
import { API_VERSIONS } from './context.js';

/** The identity URL of the org's API user (what every sandbox Salesforce token stands for). */
export function identityUrl(instanceUrl: string, ds: SalesforceDataset): string {
  return `${instanceUrl}/id/${ds.orgId}/${API_USER_ID}`;
}

/** The API user's record. */
export function apiUser(ds: SalesforceDataset): SalesforceRecord {
  const user = ds.User.find((u) => u.Id === API_USER_ID);
  if (!user) throw new Error('the seeded org has no API user');
  return user;
}

/**
 * `version` as the identity URL takes it: absent leaves the literal `{version}` in the URLs,
 * `latest` is the newest version, a number is used as given (when the org serves it).
 */
function versionFor(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '{version}';
  if (raw === 'latest') return API_VERSIONS[API_VERSIONS.length - 1]!;
  const v = raw.replace(/^v/, '');
  return API_VERSIONS.includes(v) ? v : '{version}';
}

/** The `urls` block: the endpoints the token may use (SOAP ones name the 15-character org id). */
function urls(instanceUrl: string, ds: SalesforceDataset, user: SalesforceRecord, rawVersion: string | undefined): Record<string, string> {
  const v = versionFor(rawVersion);
  const org15 = ds.orgId.slice(0, 15);
  const rest = `${instanceUrl}/services/data/v${v}`;
  return {
    enterprise: `${instanceUrl}/services/Soap/c/${v}/${org15}`,
    metadata: `${instanceUrl}/services/Soap/m/${v}/${org15}`,
    partner: `${instanceUrl}/services/Soap/u/${v}/${org15}`,
    rest: `${rest}/`,
    sobjects: `${rest}/sobjects/`,
    search: `${rest}/search/`,
    query: `${rest}/query/`,
    recent: `${rest}/recent/`,
    tooling_soap: `${instanceUrl}/services/Soap/T/${v}/${org15}`,
    tooling_rest: `${rest}/tooling/`,
    profile: `${instanceUrl}/${user.Id}`,
    feeds: `${rest}/chatter/feeds`,
    groups: `${rest}/chatter/groups`,
    users: `${rest}/chatter/users`,
    feed_items: `${rest}/chatter/feed-items`,
    feed_elements: `${rest}/chatter/feed-elements`,
    custom_domain: instanceUrl,
  };
}

const photos = (instanceUrl: string) => ({ picture: `${instanceUrl}/profilephoto/005/F`, thumbnail: `${instanceUrl}/profilephoto/005/T` });

/** Milliseconds east of UTC of the user's time zone (the seed's users are all in Los Angeles, PST). */
const UTC_OFFSET_MS = -8 * 3_600_000;

/** `GET /id/<orgId>/<userId>` for one of the org's users. */
export function identityAnswer(instanceUrl: string, ds: SalesforceDataset, user: SalesforceRecord, version?: string): Record<string, unknown> {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: `${instanceUrl}/id/${ds.orgId}/${user.Id}`,
    asserted_user: user.Id === API_USER_ID,
    user_id: user.Id,
    organization_id: ds.orgId,
    username: str(user.Username),
    nick_name: str(user.Alias),
    display_name: [user.FirstName, user.LastName].filter(Boolean).join(' '),
    email: str(user.Email),
    email_verified: true,
    first_name: str(user.FirstName),
    last_name: str(user.LastName),
    timezone: str(user.TimeZoneSidKey),
    photos: photos(instanceUrl),
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: 'US',
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: urls(instanceUrl, ds, user, version),
    active: user.IsActive !== false,
    user_type: 'STANDARD',
    language: str(user.LanguageLocaleKey),
    locale: str(user.LocaleSidKey),
    utcOffset: UTC_OFFSET_MS,
    last_modified_date: str(user.LastModifiedDate),
    is_app_installed: true,
  };
}

/** `GET /services/oauth2/userinfo`: the token's own user, in OpenID Connect claim names. */
export function userInfoAnswer(instanceUrl: string, ds: SalesforceDataset): Record<string, unknown> {
  const user = apiUser(ds);
  const id = identityAnswer(instanceUrl, ds, user);
  return {
    sub: id.id,
    user_id: id.user_id,
    organization_id: id.organization_id,
    preferred_username: id.username,
    nickname: id.nick_name,
    name: id.display_name,
    email: id.email,
    email_verified: true,
    given_name: id.first_name,
    family_name: id.last_name,
    zoneinfo: id.timezone,
    photos: id.photos,
    profile: `${instanceUrl}/${user.Id}`,
    picture: (id.photos as { picture: string }).picture,
    address: { country: 'US' },
    is_salesforce_integration_user: false,
    urls: id.urls,
    active: id.active,
    user_type: id.user_type,
    language: id.language,
    locale: id.locale,
    utcOffset: id.utcOffset,
    updated_at: String(user.LastModifiedDate ?? '').replace(/\.\d{3}\+0000$/, 'Z'),
    is_app_installed: true,
  };
}
