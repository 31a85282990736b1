import { describe, expect, it } from 'vitest';
import { isSoldOut, pickerLabel, stockProblem } from './stock';

describe('what can still be ordered', () => {
  it('is limited by what is available, whatever is on hand', () => {
    expect(stockProblem({ available: 3 }, 3)).toBeUndefined();
    expect(stockProblem({ available: 3 }, 4)).toBe('Only 3 available right now.');
    expect(stockProblem({ available: 1 }, 2)).toBe('Only 1 available right now.');
  });

  it('is nothing once all is reserved or gone: sold out', () => {
    expect(isSoldOut({ available: 0 })).toBe(true);
    expect(isSoldOut({ available: 1 })).toBe(false);
    expect(stockProblem({ available: 0 }, 1)).toBe('Sold out right now.');
  });

  it('is said in the picker, beside the price', () => {
    expect(pickerLabel({ name: 'Widget', price: 19.99, available: 7 })).toBe('Widget — $19.99 (7 available)');
    expect(pickerLabel({ name: 'Widget', price: 20, available: 0 })).toBe('Widget — $20.00 (sold out)');
  });
});
