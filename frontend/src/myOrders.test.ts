// @vitest-environment jsdom
// The orders a customer placed in this browser: remembered in localStorage (they outlive the tab),
// newest first, each once, at most MY_ORDERS_MAX; a damaged entry does not break the screen.
import { afterEach, describe, expect, it } from 'vitest';
import { forgetOrder, MY_ORDERS_MAX, myOrderIds, rememberOrder } from './myOrders';

afterEach(() => localStorage.clear());

describe('my orders', () => {
  it('are remembered newest first, each once, in localStorage', () => {
    rememberOrder('a');
    rememberOrder('b');
    rememberOrder('a'); // a retry replayed: the same order
    expect(myOrderIds()).toEqual(['a', 'b']);
    expect(JSON.parse(localStorage.getItem('myOrders')!)).toEqual(['a', 'b']);
    expect(sessionStorage.length).toBe(0);
    forgetOrder('a');
    expect(myOrderIds()).toEqual(['b']);
  });

  it(`keep the last ${MY_ORDERS_MAX}`, () => {
    for (let i = 0; i < MY_ORDERS_MAX + 5; i++) rememberOrder(`o${i}`);
    const ids = myOrderIds();
    expect(ids).toHaveLength(MY_ORDERS_MAX);
    expect(ids[0]).toBe(`o${MY_ORDERS_MAX + 4}`);
    expect(ids.at(-1)).toBe('o5');
  });

  it('start afresh from a damaged entry', () => {
    localStorage.setItem('myOrders', '{not json');
    expect(myOrderIds()).toEqual([]);
    localStorage.setItem('myOrders', JSON.stringify(['a', 3, null, 'b']));
    expect(myOrderIds()).toEqual(['a', 'b']);
    rememberOrder('c');
    expect(myOrderIds()).toEqual(['c', 'a', 'b']);
  });
});
