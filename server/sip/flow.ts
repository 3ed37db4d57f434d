/**
 * The transport port: a flow is one connection a SIP peer speaks on, which can send. The
 * WebSocket transport (ws-transport.ts) is one adapter; a platform service (services/) is
 * another, inside the process; UDP, TCP and TLS for desk phones and trunks come later.
 *
 * A flow that registered carries its user's identity and is trusted for that user (RFC 5626's
 * flow as the authenticated channel). Behind a SIP edge proxy that trust moves with the Path
 * header (RFC 3327): the edge keeps the connection, records itself in Path, and the flow here
 * becomes "the edge's flow plus the Path it gave" (see README, "SIP behind an edge proxy").
 */
import type { SipMessage } from './message.js';

export interface FlowIdentity {
  domain: string;
  /** The user the flow is trusted for. */
  extension: string;
  deviceId: string;
  /** The device's own SIP username, which it may also use as its address (From, To). */
  sipUsername: string;
}

export interface SipFlow {
  /** Unguessable: flow ids appear in Record-Route. */
  readonly id: string;
  readonly isOpen: boolean;
  /** Secure transport (WSS, TLS): the Via and Record-Route say so. */
  readonly secure: boolean;
  /** Set once a REGISTER on this flow authenticated. */
  identity: FlowIdentity | null;
  userAgent: string;
  /** Set by the first request on this flow that passed digest authentication. */
  readonly authenticated: boolean;
  markAuthenticated(): void;
  send(msg: SipMessage): void;
}

/** Where a flow id (from a Record-Route or a Via branch) leads. */
export interface FlowDirectory {
  get(id: string): SipFlow | undefined;
}

/** Several flow sources (the WebSocket transport, the platform services) as one directory. */
export function joinFlows(...sources: ReadonlyArray<{ get(id: string): SipFlow | undefined }>): FlowDirectory {
  return { get: (id) => sources.reduce<SipFlow | undefined>((found, s) => found ?? s.get(id), undefined) };
}
