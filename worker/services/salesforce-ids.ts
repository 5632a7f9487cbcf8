/**
 * Salesforce record ids: 15-character (case-sensitive) and 18-character (case-safe) forms. Apex's
 * `String.valueOf(Id)` gives 18; identity links store 18, so 15-character ids are widened first.
 * Checksum: https://help.salesforce.com/s/articleView?id=000385585 ("convert 15 to 18 character id").
 */

const ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** True for a well-formed 15- or 18-character id. */
export function isSalesforceId(value: string): boolean {
  return ID.test(value);
}

/** The 18-character form of a 15- or 18-character id (an 18-character id is returned as is). */
export function to18(id: string): string {
  if (id.length === 18) return id;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX.charAt(bits);
  }
  return id + suffix;
}
