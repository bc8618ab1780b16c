// postgres_changes filter grammar and matching against wal2json values.
import { describe, expect, it } from 'vitest';
import { matchFilter, parseFilter } from './filters.js';

describe('parseFilter', () => {
  it('parses every supported operator and quoted in-lists', () => {
    expect(parseFilter('id=eq.5')).toEqual({ column: 'id', op: 'eq', value: '5' });
    expect(parseFilter('name=in.(a,"b,c", d)')?.values).toEqual(['a', 'b,c', 'd']);
    expect(parseFilter(undefined)).toBeNull();
  });

  it('rejects unknown operators and malformed filters', () => {
    for (const f of ['id=like.5', 'id', 'id=in.1,2', 'eq.5', 42]) expect(() => parseFilter(f)).toThrow();
  });
});

describe('matchFilter', () => {
  const row = { id: 10, name: 'b', done: true, note: null };
  const m = (/** @type {string} */ f, /** @type {string} */ type) => matchFilter(parseFilter(f), row, type);

  it('compares numbers numerically and text as text', () => {
    expect([
      m('id=eq.10', 'int8'),
      m('id=gt.9', 'int8'),
      m('id=lt.9', 'int8'),
      m('id=gte.10', 'int8'),
      m('id=lte.2', 'int8'),
    ]).toEqual([true, true, false, true, false]);
    // As text, "10" < "9"; as a number it is not.
    expect(m('id=lt.9', 'text')).toBe(true);
    expect([m('name=neq.a', 'text'), m('name=in.(a,b)', 'text'), m('done=eq.true', 'bool')]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('never matches NULL or a column the row lacks', () => {
    expect(m('note=neq.x', 'text')).toBe(false);
    expect(m('missing=eq.1', 'int4')).toBe(false);
  });
});
