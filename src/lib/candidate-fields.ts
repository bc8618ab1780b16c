// The size limits of a candidate's text fields, and how a LinkedIn profile URL is normalised.
// The database enforces the same limits (constraint candidates_extension_field_sizes in
// supabase/migrations/20261129170000_extension_enrol.sql; an integration test checks they agree):
// the form checks first so it can say which field is too long instead of a constraint name.

export const FIELD_LIMITS = {
  firstName: 200,
  lastName: 200,
  headline: 500,
  title: 300,
  company: 300,
  location: 300,
  linkedinUrl: 500,
  reasonForOutreach: 4000,
} as const;

export type LimitedField = keyof typeof FIELD_LIMITS;

export const FIELD_LABELS: Record<LimitedField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  headline: 'Headline',
  title: 'Title',
  company: 'Company',
  location: 'Location',
  linkedinUrl: 'Profile URL',
  reasonForOutreach: 'Reason for outreach',
};

/** The custom fields' own limit (private.custom_fields_valid: 2,000 characters a value). */
export const CUSTOM_FIELD_LIMIT = 2000;

/** One message per field that is longer than its limit (empty when all fit). */
export function oversizedFields(values: Partial<Record<LimitedField, string | null>>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(FIELD_LIMITS) as LimitedField[]) {
    const v = values[key];
    if (v && [...v].length > FIELD_LIMITS[key]) {
      out.push(`${FIELD_LABELS[key]} is too long: ${[...v].length} characters, at most ${FIELD_LIMITS[key]}.`);
    }
  }
  return out;
}

/**
 * The canonical form of a LinkedIn profile URL (`https://www.linkedin.com/in/<slug>/`), or null
 * when the URL is not a profile. Country subdomains, query strings, fragments and sub-pages
 * (`/overlay/…`, `/details/…`) are dropped; the slug is kept as LinkedIn encodes it, lowercased.
 */
export function canonicalProfileUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  if (!/^(?:[a-z]{2,3}\.|www\.)?linkedin\.com$/i.test(u.hostname)) return null;
  const m = /^\/in\/([^/]+)/.exec(u.pathname);
  if (!m || !m[1]) return null;
  return `https://www.linkedin.com/in/${m[1].toLowerCase()}/`;
}

/** The ways a stored profile URL may be written, for matching a canonical one. */
export function profileUrlVariants(canonical: string): string[] {
  const bare = canonical.replace(/\/$/, '');
  const noWww = bare.replace('://www.', '://');
  return [canonical, bare, `${noWww}/`, noWww, bare.replace('https://', 'http://')];
}

/**
 * Splits a display name into first and last name: the first word, then the rest. Names without
 * a space (common in Chinese, Japanese, Korean) stay whole in the first name. Credentials after a
 * comma ("Jane Doe, PhD") are not part of the name.
 */
export function splitName(full: string): { firstName: string; lastName: string } {
  const name = full.replace(/,\s*(?:PhD|MBA|MD|MSc|CPA|PMP|Jr\.?|Sr\.?)\b.*$/i, '').trim();
  const i = name.search(/\s/);
  if (i < 0) return { firstName: name, lastName: '' };
  return { firstName: name.slice(0, i), lastName: name.slice(i).trim() };
}
