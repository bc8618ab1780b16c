// Reads a LinkedIn profile page: a pure function over the page's DOM (no network, no side
// effects), so it runs in the content script and in unit tests against saved pages
// (tests/fixtures/linkedin/). LinkedIn changes its markup often and ships more than one layout
// at a time, so each field has a list of places to look, most specific first; whatever is not
// found is reported as missing and the user fills it by hand. Only textContent is read: markup
// in a name or headline stays text.
import { canonicalProfileUrl, splitName } from '$lib/candidate-fields';

export interface ProfileFields {
  firstName: string;
  lastName: string;
  headline: string;
  title: string;
  company: string;
  location: string;
  linkedinUrl: string;
}

export interface ProfileReading {
  /** True when the page is a profile whose layout was recognised (its name was found). */
  recognised: boolean;
  fields: ProfileFields;
  /** The fields that could not be read from the page. */
  missing: Array<keyof ProfileFields>;
}

const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** LinkedIn repeats visible text in a `visually-hidden` twin; the `aria-hidden` copy is the visible one. */
function visibleText(el: Element | null | undefined): string {
  if (!el) return '';
  const shown = el.querySelector(':scope > span[aria-hidden="true"], span[aria-hidden="true"]');
  return text(shown ?? el);
}

function first(root: ParentNode, selectors: string[]): Element | null {
  for (const s of selectors) {
    const el = root.querySelector(s);
    if (el && text(el)) return el;
  }
  return null;
}

/** "Northwind Traders · Full-time" → "Northwind Traders". */
const beforeDot = (s: string): string => s.split(' · ')[0]?.trim() ?? '';

const EMPLOYMENT = /^(full-time|part-time|self-employed|freelance|contract|internship|apprenticeship|seasonal)$/i;

function currentPosition(doc: Document): { title: string; company: string } {
  // Newer layout: entities with named parts.
  const entity = doc.querySelector(
    '[data-view-name="profile-card-experience"] [data-view-name="profile-component-entity"]',
  );
  if (entity) {
    return {
      title: text(entity.querySelector('[data-view-name="profile-entity-title"]')),
      company: beforeDot(text(entity.querySelector('[data-view-name="profile-entity-subtitle"]'))),
    };
  }
  // Classic layout: the card after the #experience anchor; its first item is the current position.
  const anchor = doc.querySelector('#experience');
  const card = anchor?.closest('section');
  const item = card?.querySelector('li.artdeco-list__item');
  if (!item) return { title: '', company: '' };
  const nested = item.querySelector('.pvs-entity__sub-components li');
  const bold = visibleText(item.querySelector('.t-bold'));
  if (nested) {
    // Several positions at one company: the item names the company, its first sub-item the role.
    return { title: visibleText(nested.querySelector('.t-bold')), company: bold };
  }
  const sub = beforeDot(visibleText(item.querySelector('span.t-14.t-normal:not(.t-black--light)')));
  return { title: bold, company: EMPLOYMENT.test(sub) ? '' : sub };
}

function currentCompanyFromTopCard(top: ParentNode): string {
  const el = top.querySelector('[aria-label^="Current company:"]');
  const label = el?.getAttribute('aria-label') ?? '';
  const m = /^Current company:\s*(.+?)(?:\.\s*Click to skip.*)?$/.exec(label);
  return m?.[1]?.trim() || text(el);
}

/** "Engineer at Acme" → title and company, when the headline has that form. */
function fromHeadline(headline: string): { title: string; company: string } {
  const m = /^(.+?)\s+(?:at|@)\s+([^·|,]+)/.exec(headline);
  return m ? { title: m[1]!.trim(), company: m[2]!.trim() } : { title: '', company: '' };
}

/** Reads what it can of the profile in `doc`, shown at `pageUrl`. */
export function readProfile(doc: Document, pageUrl: string): ProfileReading {
  const canonical =
    canonicalProfileUrl(pageUrl) ??
    canonicalProfileUrl(doc.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? '');
  const main = doc.querySelector('main') ?? doc.body;
  const h1 =
    canonical && main ? first(main, ['[data-view-name="profile-top-card"] h1', '.pv-top-card h1', 'h1']) : null;
  const top = h1?.closest('section') ?? main ?? doc;

  const fullName = text(h1);
  const headline = text(
    first(top, [
      '[data-view-name="profile-top-card-headline"]',
      '.pv-text-details__left-panel .text-body-medium',
      '.text-body-medium.break-words',
    ]),
  );
  const location = text(
    first(top, [
      '[data-view-name="profile-top-card-location"]',
      'span.text-body-small.inline.t-black--light.break-words',
    ]),
  );
  let { title, company } = h1 ? currentPosition(doc) : { title: '', company: '' };
  if (h1 && !company) company = currentCompanyFromTopCard(top);
  if (h1 && (!title || !company)) {
    const guess = fromHeadline(headline);
    title ||= guess.title;
    company ||= guess.company;
  }

  const { firstName, lastName } = splitName(fullName);
  const fields: ProfileFields = {
    firstName,
    lastName,
    headline,
    title,
    company,
    location,
    linkedinUrl: canonical ?? '',
  };
  const missing = (Object.keys(fields) as Array<keyof ProfileFields>).filter(
    (k) => !fields[k] && !(k === 'lastName' && firstName),
  );
  return { recognised: Boolean(canonical && fullName), fields, missing };
}
