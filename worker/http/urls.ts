/**
 * Outbound URL rules at the HTTP edge; the host allowlists themselves live in
 * `connectors/hosts.ts` (pure, shared by the routes, the OAuth config and the connectors).
 */
export { checkBaseUrl, isAllowedConfigUrl, isLoopbackHost } from '../connectors/hosts.js';
