/**
 * Shared voicemail: a domain administrator grants a mailbox (a user's, or an extension with no
 * devices such as "Sales") to other users of the domain, who then read and file its messages.
 */
export interface MailboxGrant {
  domain: string;
  /** The mailbox's extension. */
  mailbox: string;
  /** Who may read it. */
  grantee: string;
  grantedBy: string;
  grantedAt: number;
}

export interface MailboxGrantRepo {
  /** False when the grant was there already. */
  grant(g: MailboxGrant): Promise<boolean>;
  revoke(domain: string, mailbox: string, grantee: string): Promise<boolean>;
  /** The mailboxes granted to a user, by mailbox. */
  forGrantee(domain: string, grantee: string): Promise<MailboxGrant[]>;
  /** Who has a mailbox, by grantee. */
  forMailbox(domain: string, mailbox: string): Promise<MailboxGrant[]>;
  has(domain: string, mailbox: string, grantee: string): Promise<boolean>;
}
