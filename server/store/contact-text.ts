/**
 * How contacts are matched by text and by number, shared by every store implementation so that
 * a search finds the same contacts whichever store answers it.
 */

/** Lower-case without accents: "José" and "JOSE" both fold to "jose". */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The digits of a phone number, which is what number search compares: "+1 (415) 555-0142" -> "14155550142". */
export function digitsOf(number: string): string {
  return number.replace(/[^0-9]/g, '');
}

/** Text that looks like (part of) a phone number: digits with the usual punctuation. */
export function isPhoneLike(text: string): boolean {
  return /^[0-9+*#()\[\]\s.\-]+$/.test(text) && /[0-9]/.test(text);
}

/** The folded text a contact is found by: one line per field, so no match spans two fields. */
export function searchTextOf(c: { firstName: string; lastName: string; company: string; email: string }): string {
  return fold([c.firstName, c.lastName, c.company, c.email].join('\n'));
}

export interface SearchTerm {
  /** Folded text to find inside names, company or email. */
  text: string;
  /** Digits to find inside a number, or '' when this term is not number-like. */
  digits: string;
}

/** Most words a query is split into; the rest are ignored. */
export const MAX_SEARCH_TERMS = 6;

/**
 * A query is a set of words that must all match (each in some field or number). A query that
 * is a phone number as a whole ("+1 (415) 555") is one term, so its spaces do not split it.
 */
export function searchTerms(q: string): SearchTerm[] {
  const trimmed = q.trim();
  if (!trimmed) return [];
  if (isPhoneLike(trimmed)) return [{ text: fold(trimmed), digits: digitsOf(trimmed) }];
  return trimmed.split(/\s+/).slice(0, MAX_SEARCH_TERMS).map((word) => ({
    text: fold(word),
    digits: isPhoneLike(word) ? digitsOf(word) : '',
  }));
}
