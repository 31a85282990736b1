import { describe, expect, it } from 'vitest';
import { feeCents, formatMoney, formatRate, quote, toCents } from './pricing';

// Rates as the payment-worker's GET /config gives them, in basis points.
const RATE_20 = 2000; // FEE_RATE = 0.2, wrangler.toml's
const RATE_25 = 2500;

describe('pricing', () => {
  it('reads API amounts as whole cents', () => {
    expect(toCents(20)).toBe(2000);
    expect(toCents(19.99)).toBe(1999);
    expect(toCents(0.07)).toBe(7);
    expect(toCents(1.15)).toBe(115); // 1.15 * 100 is 114.99999999999999 in floats
  });

  it('takes the rate of the unit price as the fee, rounded to the cent', () => {
    expect(feeCents(2000, RATE_20)).toBe(400);
    expect(feeCents(1999, RATE_20)).toBe(400); // 399.8 rounds up
    expect(feeCents(1, RATE_20)).toBe(0); // 0.2 rounds down
    expect(feeCents(3, RATE_20)).toBe(1); // 0.6 rounds up
    expect(feeCents(1001, RATE_20)).toBe(200); // 200.2 rounds down
    expect(feeCents(2000, 0)).toBe(0);
  });

  it('rounds a half cent up, like the payment-worker', () => {
    expect(feeCents(1234, RATE_25)).toBe(309); // 308.5
    expect(feeCents(1001, RATE_25)).toBe(250); // 250.25
  });

  it('prices the tutorial example: 3 at $20 cost $72, not $24', () => {
    expect(quote(2000, 3, RATE_20)).toEqual({ price: 2000, fee: 400, unit: 2400, total: 7200 });
    expect(formatMoney(quote(2000, 3, RATE_20).total)).toBe('$72.00');
  });

  it('follows the rate it is given: at 25%, 3 at $20 cost $75', () => {
    expect(quote(2000, 3, RATE_25)).toEqual({ price: 2000, fee: 500, unit: 2500, total: 7500 });
  });

  it('multiplies the rounded unit price by the quantity', () => {
    const q = quote(1999, 3, RATE_20);
    expect(q.fee).toBe(400);
    expect(q.unit).toBe(2399);
    expect(q.total).toBe(7197);
    expect(formatMoney(q.fee)).toBe('$4.00');
    expect(formatMoney(q.total)).toBe('$71.97');
  });

  it('stays exact for large orders', () => {
    expect(quote(100_000_000, 1_000, RATE_20).total).toBe(120_000_000_000);
    expect(formatMoney(120_000_000_000)).toBe('$1,200,000,000.00');
  });

  it('formats money with two decimals', () => {
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(5)).toBe('$0.05');
    expect(formatMoney(1999)).toBe('$19.99');
    expect(formatMoney(123456789)).toBe('$1,234,567.89');
    expect(formatMoney(-250)).toBe('-$2.50');
  });

  it('shows a rate in basis points as a percentage', () => {
    expect(formatRate(RATE_20)).toBe('20%');
    expect(formatRate(2550)).toBe('25.5%');
  });
});
