import { describe, expect, it } from 'vitest';
import { canonicalProfileUrl, oversizedFields, profileUrlVariants, splitName } from './candidate-fields';

describe('candidate fields', () => {
  it('canonicalises LinkedIn profile URLs and rejects everything else', () => {
    expect(canonicalProfileUrl('https://de.linkedin.com/in/Jane-Doe-123/details/experience/?x=1#top')).toBe(
      'https://www.linkedin.com/in/jane-doe-123/',
    );
    expect(canonicalProfileUrl('https://www.linkedin.com/feed/')).toBeNull();
    expect(canonicalProfileUrl('https://linkedin.com.evil.test/in/jane/')).toBeNull();
    expect(canonicalProfileUrl('not a url')).toBeNull();
    expect(profileUrlVariants('https://www.linkedin.com/in/jane/')).toContain('https://linkedin.com/in/jane');
  });

  it('splits names on the first space, keeps unspaced names whole and drops credentials', () => {
    expect(splitName('Maria José García')).toEqual({ firstName: 'Maria', lastName: 'José García' });
    expect(splitName('王小明')).toEqual({ firstName: '王小明', lastName: '' });
    expect(splitName('Jane Doe, PhD')).toEqual({ firstName: 'Jane', lastName: 'Doe' });
  });

  it('names each field over its limit, counting characters rather than UTF-16 units', () => {
    expect(oversizedFields({ firstName: '😀'.repeat(200), headline: 'x'.repeat(501) })).toEqual([
      'Headline is too long: 501 characters, at most 500.',
    ]);
  });
});
