/**
 * The SuiteQL tables the emulator serves and their columns, read straight from the tenant's
 * dataset (rows are the seed's SuiteQL-named records, not copies; `entityaddress` rows are
 * derived from the customers' address books on each query).
 */
import type { NetSuiteDataset } from '../../seed/types.js';
import { entityAddressRows } from '../addresses.js';

/** A row as the evaluator sees it: lower-case column name to value. */
export type Row = Readonly<Record<string, unknown>>;

/** Column kinds decide how comparisons coerce values. */
export type ColumnKind = 'id' | 'text' | 'number' | 'date' | 'datetime' | 'bool';

/** A table: its columns (with kinds) and where its rows live. */
export interface TableDef {
  columns: Readonly<Record<string, ColumnKind>>;
  rows(ds: NetSuiteDataset): readonly Row[];
}

/** Tables by SuiteQL name. */
export const TABLES: Readonly<Record<string, TableDef>> = {
  customer: {
    columns: {
      id: 'id', entityid: 'text', companyname: 'text', externalid: 'text', email: 'text', url: 'text', vatregnumber: 'text',
      currency: 'id', terms: 'id', subsidiary: 'id', parent: 'id', isinactive: 'bool', datecreated: 'datetime', lastmodifieddate: 'datetime',
      defaultbillingaddress: 'id',
    },
    rows: (ds) => ds.customer as unknown as Row[],
  },
  entityaddress: {
    columns: { nkey: 'id', addressee: 'text', addr1: 'text', city: 'text', zip: 'text', country: 'text' },
    rows: (ds) => entityAddressRows(ds.customer),
  },
  transaction: {
    columns: {
      id: 'id', tranid: 'text', type: 'text', entity: 'id', trandate: 'date', duedate: 'date', status: 'text', foreigntotal: 'number',
      foreignamountremaining: 'number', currency: 'id', externalid: 'text', memo: 'text', custbody_concord_disputed: 'bool', lastmodifieddate: 'datetime',
    },
    rows: (ds) => ds.transaction as unknown as Row[],
  },
  subscription: {
    columns: {
      id: 'id', name: 'text', customer: 'id', startdate: 'date', enddate: 'date', status: 'text', currency: 'id', autorenewal: 'bool',
      custrecord_concord_arr: 'number', lastmodifieddate: 'datetime',
    },
    rows: (ds) => ds.subscription as unknown as Row[],
  },
  currency: { columns: { id: 'id', name: 'text', symbol: 'text' }, rows: (ds) => ds.currency as unknown as Row[] },
  item: {
    columns: { id: 'id', itemid: 'text', displayname: 'text', itemtype: 'text', isinactive: 'bool' },
    rows: (ds) => ds.item as unknown as Row[],
  },
  pricing: {
    columns: { item: 'id', pricelevel: 'id', pricelevelname: 'text', currency: 'id', unitprice: 'number' },
    rows: (ds) => ds.pricing as unknown as Row[],
  },
};
