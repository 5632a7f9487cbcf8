/** Formatting rules the review relies on: ages, renewal countdowns, money and dates. */
import { errorMessage, financeHoldText, renewalHoldText, formatAge, formatDate, formatMoney, reasonLabel, renewalCountdown, sourceName } from '../format';

describe('formatAge', () => {
    it.each([
        [0, 'just now'],
        [44, 'just now'],
        [45, '1 min ago'],
        [120, '2 min ago'],
        [89 * 60, '89 min ago'],
        [2 * 3600, '2 h ago'],
        [3 * 86400, '3 d ago'],
        [null, 'time unknown']
    ])('%p seconds reads "%s"', (age, expected) => {
        expect(formatAge(age)).toBe(expected);
    });
});

describe('renewalCountdown', () => {
    it.each([
        [50, 'Renews in 50 days'],
        [1, 'Renews tomorrow'],
        [0, 'Renews today'],
        [-1, 'Renewal date passed 1 day ago'],
        [-12, 'Renewal date passed 12 days ago'],
        [null, 'No renewal date']
    ])('%p days reads "%s"', (days, expected) => {
        expect(renewalCountdown(days)).toBe(expected);
    });
});

describe('formatMoney and formatDate', () => {
    it('formats in the section currency and the user locale', () => {
        expect(formatMoney(4200, 'USD', 'en-US')).toBe('$4,200.00');
        expect(formatMoney(4200, 'EUR', 'de-DE')).toBe('4.200,00\u00a0€');
    });

    it('keeps an unknown currency code readable instead of failing', () => {
        expect(formatMoney(10, 'NOPE1', 'en-US')).toBe('10.00 NOPE1');
        expect(formatMoney(null, 'USD', 'en-US')).toBe('—');
    });

    it('shows a calendar date as that day in every time zone', () => {
        expect(formatDate('2026-10-01', 'en-US')).toBe('Oct 1, 2026');
        expect(formatDate('2026-01-30T23:30:00Z', 'en-US')).toBe('Jan 30, 2026');
        expect(formatDate(null, 'en-US')).toBe('—');
    });
});

describe('labels', () => {
    it('names known sources and reasons, and humanizes new codes', () => {
        expect(sourceName('netsuite')).toBe('NetSuite');
        expect(sourceName('stripe_billing')).toBe('Stripe billing');
        expect(reasonLabel('renewal_within_90_days')).toBe('Renewal within 90 days');
        expect(reasonLabel('payment_method_expired')).toBe('Payment method expired');
    });

    it('reads Apex and JavaScript error messages', () => {
        expect(errorMessage({ body: { message: 'Concord is busy' } })).toBe('Concord is busy');
        expect(errorMessage({ body: [{ message: 'a' }, { message: 'b' }] })).toBe('a, b');
        expect(errorMessage(new Error('boom'))).toBe('boom');
        expect(errorMessage(undefined)).toBe('Unknown error');
    });
});

describe('financeHoldText', () => {
    const hold = { onHold: true, amount: 12480, currency: 'USD', overdueDays: 60, minAmount: 1000 };
    it('on hold: the aged amount and that expansion quotes wait', () => {
        expect(financeHoldText(hold, 'en-US')).toBe('Finance hold: $12,480.00 overdue more than 60 days. Expansion quotes wait until it is paid.');
    });
    it('not on hold: nothing aged, or the aged amount under the threshold', () => {
        expect(financeHoldText({ ...hold, onHold: false, amount: 0 }, 'en-US')).toBe('No finance hold: nothing overdue more than 60 days.');
        expect(financeHoldText({ ...hold, onHold: false, amount: 480.5 }, 'en-US')).toBe('No finance hold: $480.50 overdue more than 60 days, under the $1,000.00 threshold.');
    });
});

describe('renewalHoldText', () => {
    const hold = { onHold: true, milestone: 'Data migration', reason: 'past_due', dueDate: '2026-11-10', since: '2026-11-20T23:30:00Z' };
    it('on hold: the milestone, how it stalled and since when (a UTC day), and that the renewal automation waits', () => {
        expect(renewalHoldText(hold, 'en-US')).toBe(
            'Renewal on hold: onboarding stalled at Data migration (past due) since Nov 20, 2026. Renewal automation waits until onboarding moves again.'
        );
        expect(renewalHoldText({ ...hold, reason: 'no_progress' }, 'en-GB')).toBe(
            'Renewal on hold: onboarding stalled at Data migration (no progress) since 20 Nov 2026. Renewal automation waits until onboarding moves again.'
        );
    });
    it('not on hold, or no hold at all: empty', () => {
        expect(renewalHoldText({ onHold: false, milestone: null, reason: null, dueDate: null, since: null }, 'en-US')).toBe('');
        expect(renewalHoldText(null, 'en-US')).toBe('');
    });
});
