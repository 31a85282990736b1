import { describe, expect, it } from 'vitest';
import type { ApiErrorBody } from './api/client';
import { LIMITS } from './testing';
import { fieldErrorsFromApi, parseName, parsePrice, parseQuantity, validateProduct } from './validation';
import type { FieldErrors, Limits, ProductInput } from './validation';

const PRODUCT_FIELDS = ['name', 'price', 'quantity'] as const;

/** Asserts that the form refuses `input` under `limits` with exactly these messages (no values). */
const expectRefused = (input: ProductInput, limits: Limits, errors: FieldErrors) =>
  expect(validateProduct(input, limits)).toEqual({ errors });

describe('product form checks', () => {
  it('accepts a good product and converts the price to cents exactly', () => {
    expect(validateProduct({ name: '  Widget ', price: '19.99', quantity: '100' }, LIMITS)).toEqual({
      values: { name: 'Widget', priceCents: 1999, quantity: 100 },
    });
    expect(parsePrice('20', LIMITS)).toEqual({ ok: true, value: 2000 });
    expect(parsePrice('0.1', LIMITS)).toEqual({ ok: true, value: 10 });
    expect(parsePrice('4.350', LIMITS)).toEqual({ ok: true, value: 435 });
    expect(parsePrice('1000000', LIMITS)).toEqual({ ok: true, value: 100_000_000 });
  });

  it('names every bad field with the same words as the API', () => {
    expectRefused({ name: ' ', price: '-1', quantity: '1.5' }, LIMITS, {
      name: 'Name must not be empty',
      price: 'Price must be greater than 0',
      quantity: 'Quantity must be a whole number',
    });
  });

  it('limits the name to 200 characters, counted as characters not bytes', () => {
    expect(parseName('é'.repeat(200), LIMITS).ok).toBe(true);
    expect(parseName('😀'.repeat(200), LIMITS).ok).toBe(true);
    expect(parseName('x'.repeat(201), LIMITS)).toEqual({ ok: false, error: 'Name must be at most 200 characters' });
    expect(parseName('a\u0007b', LIMITS)).toEqual({ ok: false, error: 'Name must not contain control characters' });
  });

  it('rejects prices the API would reject', () => {
    expect(parsePrice('', LIMITS)).toEqual({ ok: false, error: 'Price is required' });
    expect(parsePrice('0', LIMITS)).toEqual({ ok: false, error: 'Price must be greater than 0' });
    expect(parsePrice('0.00', LIMITS)).toEqual({ ok: false, error: 'Price must be greater than 0' });
    expect(parsePrice('19.999', LIMITS)).toEqual({ ok: false, error: 'Price must have at most 2 decimals' });
    expect(parsePrice('abc', LIMITS)).toEqual({ ok: false, error: 'Price must be a number, like 20 or 19.99' });
    expect(parsePrice('1e3', LIMITS)).toEqual({ ok: false, error: 'Price must be a number, like 20 or 19.99' });
    expect(parsePrice('1000000.01', LIMITS)).toEqual({ ok: false, error: 'Price must be at most 1000000' });
  });

  it('wants whole quantities from the minimum up', () => {
    expect(parseQuantity('0', LIMITS)).toEqual({ ok: true, value: 0 });
    expect(parseQuantity('-3', LIMITS)).toEqual({ ok: false, error: 'Quantity must be 0 or more' });
    expect(parseQuantity('0', LIMITS, 1)).toEqual({ ok: false, error: 'Quantity must be 1 or more' });
    expect(parseQuantity('3', LIMITS, 1)).toEqual({ ok: true, value: 3 });
    expect(parseQuantity('', LIMITS)).toEqual({ ok: false, error: 'Quantity is required' });
    expect(parseQuantity('2.5', LIMITS)).toEqual({ ok: false, error: 'Quantity must be a whole number' });
    expect(parseQuantity('1000000001', LIMITS)).toEqual({ ok: false, error: 'Quantity must be at most 1000000000' });
  });

  it("follows the API's limits, whatever they are", () => {
    const tight = { ...LIMITS, name_max_chars: 5, price_max: 10, quantity_max: 3 };
    expect(parseName('Widgets', tight)).toEqual({ ok: false, error: 'Name must be at most 5 characters' });
    expect(parsePrice('10.01', tight)).toEqual({ ok: false, error: 'Price must be at most 10' });
    expect(parsePrice('10', tight)).toEqual({ ok: true, value: 1000 });
    expect(parseQuantity('4', tight, 1)).toEqual({ ok: false, error: 'Quantity must be at most 3' });
  });

  it('leaves the limits to the API while they are not known, and still checks the format', () => {
    expect(parseName('x'.repeat(201), undefined)).toEqual({ ok: true, value: 'x'.repeat(201) });
    expect(parsePrice('1000000.01', undefined)).toEqual({ ok: true, value: 100_000_001 });
    expect(parseQuantity('1000000001', undefined)).toEqual({ ok: true, value: 1_000_000_001 });
    expectRefused({ name: '', price: '1.001', quantity: '-1' }, undefined, {
      name: 'Name must not be empty',
      price: 'Price must have at most 2 decimals',
      quantity: 'Quantity must be 0 or more',
    });
  });
});

describe("the API's 422 answers", () => {
  it('go next to the field they name', () => {
    const error: ApiErrorBody = { code: 'validation_failed', message: 'price must be greater than 0', field: 'price' };
    expect(fieldErrorsFromApi(error, PRODUCT_FIELDS)).toEqual({ price: 'Price must be greater than 0' });
  });

  it('go on the form when they name no field of it', () => {
    const error: ApiErrorBody = { code: 'validation_failed', message: 'the body must be a JSON object', field: 'body' };
    expect(fieldErrorsFromApi(error, PRODUCT_FIELDS)).toEqual({ form: 'The body must be a JSON object' });
    const conflict: ApiErrorBody = { code: 'insufficient_stock', message: 'only 2 left in stock' };
    expect(fieldErrorsFromApi(conflict, ['id', 'quantity'])).toEqual({ form: 'Only 2 left in stock' });
  });

  it('follow field aliases of the orders API', () => {
    const error: ApiErrorBody = { code: 'validation_failed', message: 'product_id is required', field: 'product_id' };
    expect(fieldErrorsFromApi(error, ['id', 'quantity'], { product_id: 'id' })).toEqual({ id: 'Product_id is required' });
  });
});
