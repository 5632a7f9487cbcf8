/** SuiteQL text helpers: literals, ids and ISO date columns, checked before they reach a query. */

/** Quote a SuiteQL string literal (single quotes doubled). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A date column as ISO text under its own name: `TO_CHAR(col, 'YYYY-MM-DD') AS col`. SuiteQL
 * otherwise writes dates in the account's date-format preference (e.g. `11/25/2026` or
 * `25.11.2026`), which a parser cannot read without knowing the account
 * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157305090645.html;
 * TO_CHAR: https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_158513731864.html).
 */
export function isoDate(column: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(column)) throw new TypeError(`not a SuiteQL column name: ${JSON.stringify(column)}`);
  return `TO_CHAR(${column}, 'YYYY-MM-DD') AS ${column}`;
}

/**
 * A date column of a joined table as ISO text under an alias: `TO_CHAR(t.col, 'YYYY-MM-DD') AS alias`
 * (see `isoDate` for why).
 */
export function isoDateOf(qualified: string, alias: string): string {
  if (!/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/.test(qualified) || !/^[a-z_][a-z0-9_]*$/.test(alias)) {
    throw new TypeError(`not a qualified SuiteQL column and alias: ${JSON.stringify([qualified, alias])}`);
  }
  return `TO_CHAR(${qualified}, 'YYYY-MM-DD') AS ${alias}`;
}

/** NetSuite internal ids are positive integers; anything else is refused before it reaches a query. */
export function internalId(value: string): string {
  if (!/^\d{1,18}$/.test(value)) throw new TypeError(`not a NetSuite internal id: ${JSON.stringify(value)}`);
  return value;
}
