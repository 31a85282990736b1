import { describe, expect, it } from 'vitest';
import { feeCents, formatMoney, formatRate, quote, toCents } from './pricing';

describe('pricing', () => {
  it('reads API amounts as whole cents', () => {
    expect(toCents(20)).toBe(2000);
    expect(toCents(19.99)).toBe(1999);
    expect(toCents(0.07)).toBe(7);
    expect(toCents(1.15)).toBe(115); // 1.15 * 100 is 114.99999999999999 in floats
  });

  it('takes 20% of the unit price as the fee, rounded to the cent', () => {
    expect(feeCents(2000)).toBe(400);
    expect(feeCents(1999)).toBe(400); // 399.8 rounds up
    expect(feeCents(1)).toBe(0); // 0.2 rounds down
    expect(feeCents(3)).toBe(1); // 0.6 rounds up
    expect(feeCents(1001)).toBe(200); // 200.2 rounds down
  });

  it('rounds a half cent up, like the payment-worker', () => {
    expect(feeCents(1234, 2500)).toBe(309); // 308.5
    expect(feeCents(1001, 2500)).toBe(250); // 250.25
  });

  it('prices the tutorial example: 3 at $20 cost $72, not $24', () => {
    expect(quote(2000, 3)).toEqual({ price: 2000, fee: 400, unit: 2400, total: 7200 });
    expect(formatMoney(quote(2000, 3).total)).toBe('$72.00');
  });

  it('multiplies the rounded unit price by the quantity', () => {
    const q = quote(1999, 3);
    expect(q.fee).toBe(400);
    expect(q.unit).toBe(2399);
    expect(q.total).toBe(7197);
    expect(formatMoney(q.fee)).toBe('$4.00');
    expect(formatMoney(q.total)).toBe('$71.97');
  });

  it('stays exact for large orders', () => {
    expect(quote(100_000_000, 1_000).total).toBe(120_000_000_000);
    expect(formatMoney(120_000_000_000)).toBe('$1,200,000,000.00');
  });

  it('formats money with two decimals', () => {
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(5)).toBe('$0.05');
    expect(formatMoney(1999)).toBe('$19.99');
    expect(formatMoney(123456789)).toBe('$1,234,567.89');
    expect(formatMoney(-250)).toBe('-$2.50');
    expect(formatRate()).toBe('20%');
  });
});
