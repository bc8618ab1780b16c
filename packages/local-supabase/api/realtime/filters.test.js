// postgres_changes filter grammar (as current Supabase Realtime parses it) and matching
// against wal2json values.
import { describe, expect, it } from 'vitest';
import { matchFilters, parseFilters } from './filters.js';

describe('parseFilters', () => {
  it('parses every operator, not., several filters joined by commas and quoted values', () => {
    expect(parseFilters('id=eq.5')).toEqual([{ column: 'id', op: 'eq', value: '5', negate: false }]);
    expect(parseFilters('id=gt.0,id=lt.100').map((f) => [f.op, f.value])).toEqual([
      ['gt', '0'],
      ['lt', '100'],
    ]);
    expect(parseFilters('subject=not.like.hey%')).toEqual([
      { column: 'subject', op: 'like', value: 'hey%', negate: true },
    ]);
    expect(parseFilters('name=eq."a, \\"b\\""')[0]?.value).toBe('a, "b"');
    expect(parseFilters('name=in.(a,"b,c", d),qty=gte.2').map((f) => f.values ?? f.value)).toEqual([
      ['a', 'b,c', 'd'],
      '2',
    ]);
    for (const op of ['ilike', 'is', 'match', 'imatch', 'isdistinct'])
      expect(parseFilters(`c=${op}.x`)[0]?.op).toBe(op);
    expect(parseFilters(undefined)).toEqual([]);
    expect(parseFilters('   ')).toEqual([]);
  });

  it("rejects what Realtime rejects, with Realtime's messages", () => {
    const msg = (/** @type {unknown} */ f) => {
      try {
        parseFilters(f);
      } catch (e) {
        return /** @type {Error} */ (e).message;
      }
      return null;
    };
    expect(msg('subject=foo.hey')).toBe('Error parsing `filter` params: ["foo", "hey"]');
    expect(msg('undefined')).toBe('Error parsing `filter` params: ["undefined"]');
    expect(msg('id=in.1,2')).toBe('Error parsing `filter` params: `in` filter value must be wrapped by parentheses');
    expect(msg('id=eq.1,,id=eq.2')).toBe(
      'Error parsing `filter` params: filter must not contain empty segments (check for extra commas)',
    );
  });
});

describe('matchFilters', () => {
  const row = { id: 10, name: 'Bob', done: true, note: null };
  const types = { id: 'int8', name: 'text', done: 'bool', note: 'text' };
  const m = (/** @type {string} */ f, t = types) => matchFilters(parseFilters(f), row, t);

  it('compares numbers numerically and text as text, every filter having to hold', () => {
    expect([m('id=eq.10'), m('id=gt.9'), m('id=lt.9'), m('id=gte.10'), m('id=lte.2')]).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
    expect(m('id=lt.9', { ...types, id: 'text' })).toBe(true);
    expect([m('id=gte.5,id=lte.10'), m('id=gte.5,id=lte.9'), m('id=gt.1,name=eq.Bob')]).toEqual([true, false, true]);
  });

  it('supports like/ilike patterns, regex match, is, isdistinct and negation', () => {
    expect([m('name=like.B%'), m('name=like.b%'), m('name=ilike.b_b'), m('name=not.like.B%')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect([m('name=match.^B.b$'), m('name=imatch.^bob$')]).toEqual([true, true]);
    expect([m('note=is.null'), m('name=is.null'), m('note=not.is.null'), m('done=is.true')]).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect([m('note=isdistinct.x'), m('name=isdistinct.Bob'), m('name=not.isdistinct.Bob')]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('never matches NULL in a comparison, negated or not, nor a column the row lacks', () => {
    expect([m('note=neq.x'), m('note=not.eq.x'), m('missing=eq.1')]).toEqual([false, false, false]);
  });
});
