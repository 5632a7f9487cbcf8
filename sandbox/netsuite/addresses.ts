/**
 * Customer addresses as SuiteQL sees them: each address-book entry is an `entityaddress` row
 * keyed by `nkey`, and `customer.defaultbillingaddress` holds the nkey of the default billing
 * one, so `SELECT ... FROM entityaddress WHERE nkey IN (...)` answers what NetSuite's
 * `LEFT JOIN EntityAddress ON nkey = customer.defaultbillingaddress` would.
 */
import type { NetSuiteCustomer } from '../seed/types.js';

/** The nkey of a customer's `index`-th address (stable while the address book keeps its order). */
export function addressKey(customerId: string, index: number): string {
  return String(Number(customerId) * 100 + index + 1);
}

/** The nkey of the default billing address (else the first), or null without addresses. */
export function defaultBillingKey(c: Pick<NetSuiteCustomer, 'id' | 'addresses'>): string | null {
  if (c.addresses.length === 0) return null;
  const index = Math.max(0, c.addresses.findIndex((a) => a.defaultBilling));
  return addressKey(c.id, index);
}

/** Every customer's addresses as `entityaddress` rows (derived on each query, so writes show at once). */
export function entityAddressRows(customers: readonly NetSuiteCustomer[]): Record<string, unknown>[] {
  return customers.flatMap((c) =>
    c.addresses.map((a, i) => ({ nkey: addressKey(c.id, i), addressee: c.companyname, addr1: a.addr1, city: a.city, zip: a.zip, country: a.country })),
  );
}
