import fs from 'node:fs';
import path from 'node:path';
import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { readProfile } from './profile-reader';

const FIXTURES = path.resolve(import.meta.dirname, '../../tests/fixtures/linkedin');

function page(file: string): Document {
  const html = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
  const window = new Window({ url: 'https://www.linkedin.com/' });
  return new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
}

describe('readProfile', () => {
  it('reads every field of the classic layout, the current position from the experience card', () => {
    const r = readProfile(
      page('classic.html'),
      'https://www.linkedin.com/in/maria-gonzalez-4b2a1/?originalSubdomain=es',
    );
    expect(r.recognised).toBe(true);
    expect(r.missing).toEqual([]);
    expect(r.fields).toEqual({
      firstName: 'Maria',
      lastName: 'Gonzalez',
      headline: 'Senior Backend Engineer at Northwind · Go, Postgres, distributed systems',
      title: 'Senior Backend Engineer',
      company: 'Northwind Traders',
      location: 'Madrid, Community of Madrid, Spain',
      linkedinUrl: 'https://www.linkedin.com/in/maria-gonzalez-4b2a1/',
    });
  });

  it('takes the role from the first position when several are grouped under one company', () => {
    const r = readProfile(page('grouped-positions.html'), 'https://ie.linkedin.com/in/jl-obrien/details/experience/');
    expect(r.fields).toMatchObject({
      firstName: 'Jean-Luc',
      lastName: "O'Brien",
      title: 'Head of Machine Learning',
      company: 'Fabrikam',
      location: 'Dublin, County Dublin, Ireland',
      linkedinUrl: 'https://www.linkedin.com/in/jl-obrien/',
    });
  });

  it('reads the newer top-card layout', () => {
    const r = readProfile(page('top-card-2025.html'), 'https://www.linkedin.com/in/priya-raman');
    expect(r.recognised).toBe(true);
    expect(r.fields).toMatchObject({
      firstName: 'Priya',
      lastName: 'Raman',
      headline: 'Talent Partner — Engineering hiring at Fabrikam',
      title: 'Talent Partner',
      company: 'Fabrikam',
      location: 'Bengaluru, Karnataka, India',
    });
  });

  it('reports the fields a sparse profile does not show, and reads the rest', () => {
    const r = readProfile(page('missing-fields.html'), 'https://www.linkedin.com/in/samlee/');
    expect(r.recognised).toBe(true);
    expect(r.fields.firstName).toBe('Sam');
    expect(r.fields.lastName).toBe('Lee');
    expect(r.missing).toEqual(['headline', 'title', 'company', 'location']);
  });

  it('keeps non-Latin names whole and reads the company from the top card', () => {
    const r = readProfile(page('non-latin.html'), 'https://jp.linkedin.com/in/%E5%B1%B1%E7%94%B0');
    expect(r.fields).toMatchObject({
      firstName: '山田',
      lastName: '花子',
      headline: 'シニアデータエンジニア（株式会社サンプル）',
      company: '株式会社サンプル',
      location: '東京都 日本',
      linkedinUrl: 'https://www.linkedin.com/in/%e5%b1%b1%e7%94%b0/',
    });
    const ar = readProfile(page('arabic-rtl.html'), 'https://www.linkedin.com/in/m-alali/');
    expect(ar.fields).toMatchObject({
      firstName: 'محمد',
      lastName: 'العلي',
      title: 'مهندس برمجيات',
      company: 'شركة المثال',
      location: 'الرياض، السعودية',
    });
  });

  it('reads markup in a name or headline as plain text', () => {
    const r = readProfile(page('script-in-name.html'), 'https://www.linkedin.com/in/bobby-tables/');
    expect(r.fields.firstName).toBe('Robert');
    expect(r.fields.lastName).toBe('<script>alert(1)</script> Tables');
    expect(r.fields.headline).toBe('<img src=x onerror="alert(2)"> Head of {{first_name}} at Initech');
    expect(r.fields.company).toBe('Initech');
  });

  it('does not recognise a page that is not a profile, and reads nothing from it', () => {
    const r = readProfile(page('not-a-profile.html'), 'https://www.linkedin.com/feed/');
    expect(r.recognised).toBe(false);
    expect(r.fields.firstName).toBe('');
    expect(r.missing).toContain('linkedinUrl');
    // A profile URL whose page has an unknown structure: the URL is kept, the rest is left to the user.
    const unknown = readProfile(page('not-a-profile.html'), 'https://www.linkedin.com/in/someone/');
    expect(unknown.recognised).toBe(false);
    expect(unknown.fields.linkedinUrl).toBe('https://www.linkedin.com/in/someone/');
  });
});
