/** What a service needs to know about the request it serves. */
import type { CallContext } from '../connectors/http.js';

export interface ServiceContext extends CallContext {
  tenantId: string;
}
