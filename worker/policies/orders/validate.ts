/**
 * Pre-create validation of a closed-won deal, pure: is what the CRM holds enough to create the
 * ERP customer and sales order without a person re-keying anything? Every problem is a business
 * exception with the field, a precise reason, the person who can fix it (the CRM record owner)
 * and a recommended action; nothing here is retried, it waits for the data to be fixed.
 *
 * Checks (ARCHITECTURE.md, closed-won): legal name, billing address and country, tax id where the
 * country requires one, currency known to the ERP, payment terms mapped to ERP terms, every line's
 * product mapped to an active ERP item by SKU, quantities, and the account hierarchy (a parent
 * company must be known so it can be created first).
 */
import type { CrmOrderSource, ErpReference, ErpTerm } from '../../ports/index.js';
import { countryCode } from './countries.js';

/** The tenant's closed-won settings the validation needs (flows/closed-won/settings.ts). */
export interface OrderRules {
  /** ISO countries whose customers need a tax id (VAT/GST number) before an ERP customer is created. */
  taxIdCountries: readonly string[];
  /** CRM payment-terms text -> ERP term id (case and punctuation ignored); unmapped text is looked up by ERP term name. */
  termsMap: Readonly<Record<string, string>>;
  /** ERP term id used when the deal names no payment terms; null: the deal must name them. */
  defaultTerms: string | null;
  /** ISO currency used when the deal names none; null: the deal must name one. */
  defaultCurrency: string | null;
}

export interface OrderIssue {
  /** Where the problem is, as a canonical path (`company.taxId`, `lines.2.sku`). */
  field: string;
  code: 'required' | 'unknown_country' | 'tax_id_required' | 'unknown_currency' | 'unknown_terms' | 'unmapped_sku' | 'inactive_item' | 'invalid_quantity' | 'no_lines' | 'no_company';
  message: string;
  /** Which system the fix is made in. */
  fixIn: 'crm' | 'erp';
  action: string;
}

/** What the ERP writes need, resolved: ISO country, ERP term id, ERP item ids per line. */
export interface ValidatedOrder {
  country: string;
  currency: string;
  termsId: string | null;
  lines: { externalId: string; itemId: string; sku: string; quantity: number; unitPrice: number | null; description: string | null }[];
}

export type OrderValidation = { ok: true; order: ValidatedOrder } | { ok: false; issues: OrderIssue[] };

const blank = (v: string | null | undefined) => v === null || v === undefined || v.trim() === '';

/** Payment terms text compared without case, spacing or punctuation. */
const termsKey = (v: string) => v.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** Validate a deal's order source against the ERP's reference data and the tenant's rules. */
export function validateOrder(source: CrmOrderSource, ref: Pick<ErpReference, 'products' | 'currencies'> & { terms: readonly ErpTerm[] }, rules: OrderRules): OrderValidation {
  const issues: OrderIssue[] = [];
  const crm = (field: string, code: OrderIssue['code'], message: string, action: string) => issues.push({ field, code, message, fixIn: 'crm', action });
  const company = source.company;
  let country: string | null = null;

  if (!company) {
    crm('company', 'no_company', 'The deal is not associated with a company.', 'Associate the deal with the customer company.');
  } else {
    if (blank(company.name)) crm('company.name', 'required', 'The company has no name (the ERP customer needs a legal name).', 'Enter the company name.');
    const a = company.billingAddress;
    if (!a || blank(a.line1)) crm('company.billingAddress.line1', 'required', 'The company has no billing street address.', 'Enter the billing street address on the company.');
    if (!a || blank(a.city)) crm('company.billingAddress.city', 'required', 'The company has no billing city.', 'Enter the billing city on the company.');
    if (!a || blank(a.country)) {
      crm('company.billingAddress.country', 'required', 'The company has no billing country.', 'Enter the billing country on the company.');
    } else {
      country = countryCode(a.country!);
      if (!country) crm('company.billingAddress.country', 'unknown_country', `"${a.country}" is not a country Concord recognises.`, 'Use the country name or its ISO code (e.g. Germany or DE).');
    }
    if (country && rules.taxIdCountries.includes(country) && blank(company.taxId)) {
      crm('company.taxId', 'tax_id_required', `Customers in ${country} need a tax id (VAT/GST number) in the ERP.`, 'Enter the company tax id (VAT number).');
    }
  }

  const currency = (source.deal.currency ?? rules.defaultCurrency)?.toUpperCase() ?? null;
  if (!currency) crm('deal.currency', 'required', 'The deal has no currency.', 'Set the deal currency.');
  else if (!ref.currencies.some((c) => c.code === currency)) {
    issues.push({ field: 'deal.currency', code: 'unknown_currency', message: `The ERP has no currency ${currency}.`, fixIn: 'erp', action: `Enable ${currency} in the ERP, or change the deal currency.` });
  }

  let termsId: string | null = rules.defaultTerms;
  if (!blank(source.deal.paymentTerms)) {
    // "Net 30", "net_30" and "NET-30" name the same terms (CRM option values are often snake case).
    const text = termsKey(source.deal.paymentTerms!);
    const mapped = Object.entries(rules.termsMap).find(([k]) => termsKey(k) === text)?.[1];
    termsId = mapped ?? ref.terms.find((t) => termsKey(t.name) === text)?.id ?? null;
    if (!termsId) crm('deal.paymentTerms', 'unknown_terms', `Payment terms "${source.deal.paymentTerms}" match no ERP terms.`, `Use one of: ${ref.terms.map((t) => t.name).join(', ') || 'the ERP terms'}.`);
  } else if (!termsId) {
    crm('deal.paymentTerms', 'required', 'The deal names no payment terms and the tenant has no default.', 'Set the payment terms on the deal.');
  }

  if (source.lines.length === 0) crm('lines', 'no_lines', 'The deal has no products.', 'Add the products sold to the deal.');
  const bySku = new Map(ref.products.map((p) => [p.sku.trim().toLowerCase(), p]));
  const lines: ValidatedOrder['lines'] = [];
  source.lines.forEach((line, i) => {
    if (!(line.quantity > 0)) crm(`lines.${i}.quantity`, 'invalid_quantity', `Line ${i + 1} has quantity ${line.quantity}.`, 'Set a positive quantity.');
    if (blank(line.sku)) {
      crm(`lines.${i}.sku`, 'required', `Line ${i + 1} (${line.name ?? 'unnamed'}) has no SKU, so it cannot be matched to an ERP item.`, 'Use a product with a SKU on the deal.');
      return;
    }
    const item = bySku.get(line.sku!.trim().toLowerCase());
    if (!item) {
      issues.push({ field: `lines.${i}.sku`, code: 'unmapped_sku', message: `SKU ${line.sku} (${line.name ?? 'line ' + (i + 1)}) has no ERP item.`, fixIn: 'erp', action: `Create the item ${line.sku} in the ERP (or correct the SKU on the CRM product), then retry.` });
      return;
    }
    if (!item.active) {
      issues.push({ field: `lines.${i}.sku`, code: 'inactive_item', message: `The ERP item for SKU ${line.sku} is inactive.`, fixIn: 'erp', action: `Reactivate ${line.sku} in the ERP or sell its successor.` });
      return;
    }
    lines.push({ externalId: line.externalId, itemId: item.id, sku: item.sku, quantity: line.quantity, unitPrice: line.unitPrice, description: line.name });
  });

  if (issues.length > 0 || !country || !currency) return { ok: false, issues };
  return { ok: true, order: { country, currency, termsId, lines } };
}

/**
 * The CRM-side problems of a validation, as `field|code` in a stable order: the blocked-order
 * re-check (flows/closed-won/recheck.ts) wakes a run only when they differ from those it shows.
 * Problems fixed in the ERP are left out: the re-check reads the cached reference data, the run
 * refreshes it when woken, and the two must not disagree into a run woken every minute.
 */
export function problemKey(issues: readonly Pick<OrderIssue, 'field' | 'code' | 'fixIn'>[]): string {
  return issues
    .filter((i) => i.fixIn !== 'erp')
    .map((i) => `${i.field}|${i.code}`)
    .sort()
    .join(',');
}
