// A pasted list of email addresses (the Enroll dialog's "Paste emails"): one per line, or
// separated by commas, semicolons or spaces, or copied from a mail client as
// `Name <address>`. Pure, so a unit test pins what a recruiter may paste.
import { isValidEmailAddress } from '$shared/email/validate.ts';

export interface ParsedEmails {
  /** Valid addresses, lower-cased, each once, in the order first pasted. */
  emails: string[];
  /** What looked like an entry but is not an address, as pasted. */
  invalid: string[];
  /** How many entries repeated an earlier one. */
  duplicates: number;
}

export function parseEmailList(text: string): ParsedEmails {
  const seen = new Set<string>();
  const emails: string[] = [];
  const invalid: string[] = [];
  let duplicates = 0;
  // `Name <address>` and `"Last, First" <address>`: the address between the angle brackets;
  // `Name address`: the words with an @ (the others are the name); else the entry as typed.
  const entries = text
    .replace(/"[^"]*"/g, ' ')
    .split(/[\n\r,;\t]+/)
    .flatMap((part) => {
      const bracketed = [...part.matchAll(/<([^<>]+)>/g)].map((m) => m[1]!);
      if (bracketed.length) return bracketed;
      const words = part.trim().split(/\s+/);
      const addresses = words.filter((w) => w.includes('@'));
      return addresses.length ? addresses : [part];
    })
    .map((e) => e.trim().replace(/^mailto:/i, ''))
    .filter((e) => e !== '');
  for (const entry of entries) {
    if (!isValidEmailAddress(entry)) {
      invalid.push(entry);
      continue;
    }
    const key = entry.toLowerCase();
    if (seen.has(key)) duplicates += 1;
    else {
      seen.add(key);
      emails.push(key);
    }
  }
  return { emails, invalid, duplicates };
}
