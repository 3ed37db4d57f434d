/** Who a user or dialog party is on the wire (RFC 3325 identities, header fragments). */
import type { User } from '../store/types.js';
import type { Party } from './call-recorder.js';
import type { DialogParty } from './dialogs.js';
import { formatNameAddr, formatUri, parseNameAddr } from './uri.js';

export interface Account {
  domain: string;
  extension: string;
}

/** `"Alice Anders" <sip:1001@demo>`: a user or party as P-Asserted-Identity presents them. */
export function identityOf(who: User | Party | DialogParty): string {
  const displayName = 'name' in who ? who.name : `${who.firstName} ${who.lastName}`.trim();
  return formatNameAddr({
    displayName,
    uri: { scheme: 'sip', user: who.extension, host: who.domain, params: new Map(), headers: new Map() },
    params: new Map(),
  });
}

export function partyOf(u: User): Party {
  return { domain: u.domain, extension: u.extension, name: `${u.firstName} ${u.lastName}`.trim() };
}

export function samePerson(a: Account, b: Account): boolean {
  return a.domain === b.domain && a.extension === b.extension;
}

export function tagOf(nameAddr: string | undefined): string {
  return parseNameAddr(nameAddr ?? '')?.params.get('tag') ?? '';
}

/** The URI of a Contact header value (name-addr or addr-spec). */
export function contactUri(value: string | undefined): string {
  const na = parseNameAddr(value ?? '');
  return na ? formatUri(na.uri) : '';
}
