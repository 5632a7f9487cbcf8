/**
 * Where the card finds the Concord broker.
 *
 * HubSpot only lets `hubspot.fetch` call HTTPS URLs listed in `permittedUrls.fetch` of
 * app-hsmeta.json, never localhost
 * (https://developers.hubspot.com/docs/apps/developer-platform/add-features/ui-extensibility/fetching-data).
 * Local development keeps this URL and maps it to `http://127.0.0.1:8787` with the CLI's
 * `local.json` proxy (see the README), so there is exactly one broker URL in the bundle.
 */

/** Public base URL of the broker; must equal an entry of `permittedUrls.fetch`. */
export const BROKER_URL = 'https://concord.example.com';

/** Card requests give up after 10 s, well under hubspot.fetch's 15 s default ceiling. */
export const FETCH_TIMEOUT_MS = 10_000;
