import { describe, expect, it } from 'vitest';
import { parseEmailList } from './enrol-emails';

describe('a pasted list of email addresses', () => {
  it('takes one per line, or separated by commas, semicolons, tabs or spaces', () => {
    expect(parseEmailList('a@x.test\nb@x.test, c@x.test;d@x.test\te@x.test f@x.test').emails).toEqual([
      'a@x.test',
      'b@x.test',
      'c@x.test',
      'd@x.test',
      'e@x.test',
      'f@x.test',
    ]);
  });

  it('reads the address of "Name <address>" entries copied from a mail client', () => {
    const r = parseEmailList('Ada Lovelace <ada@x.test>, "Hopper, Grace" <grace@x.test>\nmailto:linus@x.test');
    expect(r.emails).toEqual(['ada@x.test', 'grace@x.test', 'linus@x.test']);
    expect(r.invalid).toEqual([]);
  });

  it('keeps each address once, whatever its case, and counts the repeats', () => {
    const r = parseEmailList('Ada@X.test\nada@x.test\nADA@x.TEST\nbob@x.test');
    expect(r.emails).toEqual(['ada@x.test', 'bob@x.test']);
    expect(r.duplicates).toBe(2);
  });

  it('lists what is not an address instead of dropping it silently', () => {
    const r = parseEmailList('ada@x.test\nada@\nbob@nodot\n@x.test\nbob.x.test\nnot an address');
    expect(r.emails).toEqual(['ada@x.test']);
    expect(r.invalid).toEqual(['ada@', 'bob@nodot', '@x.test', 'bob.x.test', 'not an address']);
  });

  it('reads "Name address" without brackets', () => {
    expect(parseEmailList('Ada Lovelace ada@x.test\nGrace Hopper grace@x.test').emails).toEqual([
      'ada@x.test',
      'grace@x.test',
    ]);
  });

  it('finds nothing in blank text', () => {
    expect(parseEmailList('  \n , ;  ')).toEqual({ emails: [], invalid: [], duplicates: 0 });
  });
});
