import { describe, expect, it } from 'vitest';
import { searchKey, searchWords } from './candidate-search';

describe('searchWords', () => {
  it('splits a full name and "Last, First" into the same words', () => {
    expect(searchWords('Oliver Costa')).toEqual(['oliver', 'costa']);
    expect(searchWords('  Costa,Oliver ')).toEqual(['costa', 'oliver']);
    expect(searchKey('Costa, Oliver')).toBe('costa oliver');
  });
  it('keeps an email or a company word whole', () => {
    expect(searchWords('oliver.costa@proton.me')).toEqual(['oliver.costa@proton.me']);
    expect(searchWords('Booking.com Delivery-Hero')).toEqual(['booking.com', 'delivery-hero']);
  });
  it('drops duplicates and empty input, as the database does (supabase/tests/database/300_candidate_search.sql)', () => {
    expect(searchWords('ana ANA')).toEqual(['ana']);
    expect(searchWords(' , ;  ')).toEqual([]);
    expect(searchWords('  Costa,Oliver ; costa')).toEqual(['costa', 'oliver']);
    expect(searchWords('100%\ta_m')).toEqual(['100%', 'a_m']);
  });
  it('gives the same key to texts that find the same candidates', () => {
    expect(searchKey('Mia  Becker')).toBe(searchKey('mia becker '));
    expect(searchKey('Mia Becker')).not.toBe(searchKey('Mia Beck'));
  });
});
