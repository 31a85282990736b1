import { describe, expect, it } from 'vitest';
import { isCancellable, mayStillChange, statusLabel, statusMessage, statusTitle, statusVariant } from './status';

const at = (iso: string) => ({ updated_at: iso, refund_reason: null });

describe('order status wording', () => {
  it('tells a pending order is waiting for the payment', () => {
    expect(statusLabel('pending')).toBe('Pending');
    expect(statusVariant('pending')).toBe('warning');
    expect(statusMessage({ status: 'pending', refund_reason: null })).toBe('Waiting for the payment to go through…');
  });

  it('thanks the customer once the payment went through', () => {
    expect(statusLabel('completed')).toBe('Completed');
    expect(statusVariant('completed')).toBe('success');
    expect(statusMessage({ status: 'completed', refund_reason: null })).toBe(
      'Payment received: thank you for your order!',
    );
  });

  it('explains a refund for a deleted product in plain words', () => {
    expect(statusLabel('refunded')).toBe('Refunded');
    expect(statusVariant('refunded')).toBe('danger');
    expect(statusMessage({ status: 'refunded', refund_reason: 'product_deleted' })).toBe(
      'Refunded: the product was deleted before it could be delivered; you have been refunded.',
    );
  });

  it('says a cart is refunded whole when one of its products was deleted', () => {
    expect(statusMessage({ status: 'refunded', refund_reason: 'product_deleted', lines: [{}, {}] })).toBe(
      'Refunded: one of its products was deleted before it could be delivered, so the whole order was refunded and nothing was taken.',
    );
    expect(statusMessage({ status: 'refunded', refund_reason: 'product_deleted', lines: [{}] })).toContain('the product was deleted');
  });

  it('says a cancelled order was not charged, and lets only a pending order be cancelled', () => {
    expect(statusLabel('cancelled')).toBe('Cancelled');
    expect(statusVariant('cancelled')).toBe('secondary');
    expect(statusTitle('cancelled')).toBe('Your order was cancelled');
    expect(statusMessage({ status: 'cancelled', refund_reason: null })).toBe(
      'Cancelled before the payment went through: you have not been charged.',
    );
    expect(isCancellable({ status: 'pending' })).toBe(true);
    for (const status of ['completed', 'refunded', 'cancelled']) expect(isCancellable({ status })).toBe(false);
  });

  it('never shows a raw code for an unknown reason or status', () => {
    expect(statusMessage({ status: 'refunded', refund_reason: null })).toBe('Refunded: your payment has been refunded.');
    expect(statusMessage({ status: 'refunded', refund_reason: 'something_new' })).not.toContain('something_new');
    expect(statusLabel('on_hold')).toBe('on_hold');
    expect(statusVariant('on_hold')).toBe('secondary');
    expect(statusMessage({ status: 'on_hold', refund_reason: null })).toBe('Status: on_hold');
    expect(statusLabel('toString')).toBe('toString'); // not an Object.prototype member
  });

  it('keeps watching an order until it cannot change any more', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(mayStillChange({ status: 'pending', ...at('2025-01-01T00:00:00Z') }, now)).toBe(true);
    expect(mayStillChange({ status: 'completed', ...at('2026-01-01T11:59:55Z') }, now)).toBe(true);
    expect(mayStillChange({ status: 'completed', ...at('2026-01-01T11:58:00Z') }, now)).toBe(false);
    expect(mayStillChange({ status: 'refunded', ...at('2026-01-01T11:59:59Z') }, now)).toBe(false);
    expect(mayStillChange({ status: 'cancelled', ...at('2026-01-01T11:59:59Z') }, now)).toBe(false);
  });
});
