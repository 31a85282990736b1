// What the lists in pages rely on: the `rel="next"` target of an RFC 8288 `Link` header (the
// forms the workers and proxies may send), and rows shown once however the pages overlap. The
// paging itself (Load more, the timed refresh, Refresh) is tested on the screens
// (screens/Products.test.tsx).
import { describe, expect, it } from 'vitest';
import { nextLink } from './api/client';
import { uniqueById } from './paging';

const BASE = 'http://127.0.0.1:8000/products?limit=100';

describe('nextLink', () => {
  it('takes the rel="next" target, exactly as given', () => {
    const url = 'http://127.0.0.1:8000/products?limit=100&cursor=5-01JDQ3T0X6M6V1W3C6W7N5K8ZP';
    expect(nextLink(`<${url}>; rel="next"`, BASE)).toBe(url);
  });

  it('is null without a header, without a next link, or for one it cannot read', () => {
    expect(nextLink(null, BASE)).toBeNull();
    expect(nextLink('', BASE)).toBeNull();
    expect(nextLink('<http://a.test/x>; rel="prev"', BASE)).toBeNull();
    expect(nextLink('garbage', BASE)).toBeNull();
  });

  it('finds next among several links, with any case, unquoted or among several relations', () => {
    expect(nextLink('<http://a.test/p>; rel="prev", <http://a.test/n?c=1,2>; rel="next"', BASE)).toBe('http://a.test/n?c=1,2');
    expect(nextLink('<http://a.test/n>; rel=NEXT', BASE)).toBe('http://a.test/n');
    expect(nextLink('<http://a.test/n>; title="a, b; rel=next"; rel="last next"', BASE)).toBe('http://a.test/n');
    expect(nextLink('<http://a.test/p>; title="rel=next", <http://a.test/n>; rel="next"', BASE)).toBe('http://a.test/n');
  });

  it('resolves a relative target against the page it came with', () => {
    expect(nextLink('</products?limit=100&cursor=abc>; rel="next"', BASE)).toBe('http://127.0.0.1:8000/products?limit=100&cursor=abc');
  });
});

describe('uniqueById', () => {
  const p = (id: string) => ({ id });

  it('keeps the pages in order, each row once (a row that moved to the next page is not shown twice)', () => {
    const pages = [
      { items: [p('a'), p('b')], next: 'n2' },
      { items: [p('b'), p('c'), p('c'), p('d')], next: null },
    ];
    expect(uniqueById(pages)).toEqual(['a', 'b', 'c', 'd'].map(p));
    expect(uniqueById([])).toEqual([]);
  });
});
