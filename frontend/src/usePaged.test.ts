import { describe, expect, it, vi } from 'vitest';
import { parseNextLink } from './api/http';
import { appendPage, readPages } from './usePaged';

const BASE = 'http://127.0.0.1:8000/products?limit=100';

describe('parseNextLink', () => {
  it('takes the rel="next" target, exactly as given', () => {
    const url = 'http://127.0.0.1:8000/products?limit=100&cursor=5-01JDQ3T0X6M6V1W3C6W7N5K8ZP';
    expect(parseNextLink(`<${url}>; rel="next"`, BASE)).toBe(url);
  });

  it('is null without a header or without a next link', () => {
    expect(parseNextLink(null, BASE)).toBeNull();
    expect(parseNextLink('', BASE)).toBeNull();
    expect(parseNextLink('<http://a.test/x>; rel="prev"', BASE)).toBeNull();
    expect(parseNextLink('garbage', BASE)).toBeNull();
  });

  it('finds next among several links, with any case, unquoted or among several relations', () => {
    expect(parseNextLink('<http://a.test/p>; rel="prev", <http://a.test/n?c=1,2>; rel="next"', BASE)).toBe(
      'http://a.test/n?c=1,2',
    );
    expect(parseNextLink('<http://a.test/n>; rel=NEXT', BASE)).toBe('http://a.test/n');
    expect(parseNextLink('<http://a.test/n>; title="a, b; rel=next"; rel="last next"', BASE)).toBe('http://a.test/n');
    expect(parseNextLink('<http://a.test/p>; title="rel=next", <http://a.test/n>; rel="next"', BASE)).toBe(
      'http://a.test/n',
    );
  });

  it('resolves a relative target against the page it came with', () => {
    expect(parseNextLink('</products?limit=100&cursor=abc>; rel="next"', BASE)).toBe(
      'http://127.0.0.1:8000/products?limit=100&cursor=abc',
    );
  });
});

describe('pages', () => {
  const p = (id: string) => ({ id });

  it('appends a page without the items already shown', () => {
    const shown = [p('a'), p('b')];
    expect(appendPage(shown, [p('b'), p('c'), p('c'), p('d')])).toEqual([p('a'), p('b'), p('c'), p('d')]);
    expect(appendPage(shown, [p('a')])).toBe(shown);
  });

  it('reads as many pages as are shown, following each Link, and stops at the last', async () => {
    const next = vi.fn(async (url: string) =>
      url === 'n2' ? { items: [p('c'), p('d')], next: 'n3' } : { items: [p('d'), p('e')], next: null },
    );
    const first = async () => ({ items: [p('a'), p('b')], next: 'n2' });
    expect(await readPages(first, next, () => 1)).toEqual({ items: [p('a'), p('b')], next: 'n2', pages: 1 });
    expect(next).not.toHaveBeenCalled();
    expect(await readPages(first, next, () => 5)).toEqual({
      items: ['a', 'b', 'c', 'd', 'e'].map(p),
      next: null,
      pages: 3,
    });
    expect(next.mock.calls.map((c) => c[0])).toEqual(['n2', 'n3']);
  });
});
