/** Salesforce as Concord's CRM port (read side for now). */
import type { MatchRecord } from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { SalesforceClient } from './client.js';
import { ACCOUNT_FIELDS, matchRecordFromAccount } from './map.js';
import { AccountRowSchema } from './schemas.js';

export class SalesforceCrm {
  readonly client: SalesforceClient;

  constructor(conn: Connection, ctx: CallContext) {
    this.client = new SalesforceClient(conn, ctx);
  }

  async *companies(): AsyncIterable<MatchRecord[]> {
    for await (const page of this.client.query(`SELECT ${ACCOUNT_FIELDS} FROM Account ORDER BY Id`, AccountRowSchema)) {
      yield page.map(matchRecordFromAccount);
    }
  }
}
