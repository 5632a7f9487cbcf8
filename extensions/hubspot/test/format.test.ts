/** What the card prints for money, dates, ages and provenance across locales and edge cases. */
import { describe, expect, it } from 'vitest';
import { addDaysIso, financeHoldText, formatAge, formatDate, formatMoney, freshnessLabel, renewalHoldText, riskReasonLabel } from '../src/app/cards/lib/format.ts';

describe('card formatting', () => {
  it('formats money in the section currency and the viewer locale', () => {
    expect(formatMoney(12500, 'USD')).toBe('$12,500.00');
    // de-DE puts the symbol after the amount and uses a narrow no-break space before it.
    expect(formatMoney(4200.5, 'EUR', 'de-DE').replace(/\s/g, ' ')).toBe('4.200,50 €');
    expect(formatMoney(-10, 'JPY', 'en-US')).toBe('-¥10');
  });

  it('still shows the figure when the currency code is unknown to Intl', () => {
    expect(formatMoney(99.5, 'XYZ1')).toBe('99.50 XYZ1');
  });

  it('formats calendar dates without shifting them by the viewer time zone', () => {
    expect(formatDate('2027-01-01')).toBe('Jan 1, 2027');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('not-a-date')).toBe('not-a-date');
  });

  it('adds days across month and year ends for task due dates', () => {
    expect(addDaysIso(new Date('2026-12-30T23:30:00Z'), 3)).toBe('2027-01-02');
  });

  it('describes data age in the units a user reads at a glance', () => {
    expect(formatAge(59)).toBe('just now');
    expect(formatAge(60)).toBe('1 min ago');
    expect(formatAge(3599)).toBe('59 min ago');
    expect(formatAge(7200)).toBe('2 h ago');
    expect(formatAge(3 * 86_400)).toBe('3 d ago');
  });

  it('labels freshness per source, including stale and failed sources', () => {
    expect(freshnessLabel('netsuite', { status: 'fresh', fetchedAt: 'x', ageSeconds: 120 })).toBe('NetSuite · 2 min ago');
    expect(freshnessLabel('vitally', { status: 'stale', fetchedAt: 'x', ageSeconds: 90_000 })).toBe('Vitally · 1 d ago (stale)');
    expect(freshnessLabel('vitally', { status: 'error', fetchedAt: null, ageSeconds: null, error: 'auth_expired' })).toBe(
      'Vitally · unavailable (Auth expired)',
    );
    expect(freshnessLabel('stripe', undefined)).toBe('Stripe · freshness unknown');
  });

  it('turns unknown risk codes into readable text instead of hiding them', () => {
    expect(riskReasonLabel('overdue_receivables')).toBe('Overdue receivables');
    expect(riskReasonLabel('champion_left')).toBe('Champion left');
  });

  it('says the renewal hold in a sentence: milestone, how it stalled, since when; nothing when not held', () => {
    const hold = { onHold: true, milestone: 'Data migration', reason: 'past_due' as const, dueDate: '2026-11-10', since: '2026-11-20T23:30:00Z' };
    expect(renewalHoldText(hold)).toBe('Renewal on hold: onboarding stalled at Data migration (past due) since Nov 20, 2026. Renewal automation waits until onboarding moves again.');
    expect(renewalHoldText({ ...hold, reason: 'no_progress' }, 'en-GB')).toBe(
      'Renewal on hold: onboarding stalled at Data migration (no progress) since 20 Nov 2026. Renewal automation waits until onboarding moves again.',
    );
    expect(renewalHoldText({ onHold: false, milestone: null, reason: null, dueDate: null, since: null })).toBe('');
  });

  it('says the finance hold in a sentence: on hold, clear, or under the threshold', () => {
    const hold = { onHold: true, amount: 12480, currency: 'USD', overdueDays: 60, minAmount: 1000 };
    expect(financeHoldText(hold)).toBe('Finance hold: $12,480.00 overdue more than 60 days. Expansion quotes wait until it is paid.');
    expect(financeHoldText({ ...hold, onHold: false, amount: 0 })).toBe('No finance hold: nothing overdue more than 60 days.');
    expect(financeHoldText({ ...hold, onHold: false, amount: 480.5, currency: 'EUR' }, 'de-DE').replace(/\s/g, ' ')).toBe(
      'No finance hold: 480,50 € overdue more than 60 days, under the 1.000,00 € threshold.',
    );
  });
});
