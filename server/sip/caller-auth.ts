/**
 * Who is calling. A flow that registered is trusted for its own user (the WebSocket is the
 * authenticated channel, as with RFC 5626 flows); anything else must answer a digest challenge.
 * Either way the From must name the authenticated one, as their user's extension or as the
 * device's own SIP username (a client set up with one username calls from that): no spoofing.
 * The caller is the user in both forms, so the callee is shown the user (P-Asserted-Identity).
 */
import type { UserRepo } from '../store/types.js';
import { readableLabel } from '../../src/data/device-label.js';
import type { SipFlow } from './flow.js';
import { createResponse, type SipRequest } from './message.js';
import type { LocationService } from './ports.js';
import type { SipAuthenticator } from './sip-auth.js';
import type { Caller } from './transactions.js';
import { parseNameAddr } from './uri.js';

export class CallerAuthenticator {
  constructor(
    private readonly users: Pick<UserRepo, 'get'>,
    private readonly registrar: Pick<LocationService, 'lookup'>,
    private readonly auth: SipAuthenticator,
  ) {}

  /** The caller, or null after answering the request itself (407, 403). */
  async authenticate(req: SipRequest, flow: SipFlow, domain: string): Promise<Caller | null> {
    const from = parseNameAddr(req.headers.get('From') ?? '');
    const fromUser = from?.uri.user;
    let extension: string;
    let deviceId: string | null;
    let deviceLabel = '';
    if (flow.identity && flow.identity.domain === domain && from?.uri.host === domain && speaksAs(fromUser, flow.identity)) {
      extension = flow.identity.extension;
      deviceId = flow.identity.deviceId;
      deviceLabel = this.registrar.lookup(domain, extension).find((b) => b.flow === flow)?.deviceLabel ?? '';
    } else {
      const auth = await this.auth.authenticate(req, domain, flow);
      if (!auth.ok) {
        flow.send(auth.response);
        return null;
      }
      extension = auth.device.extension;
      deviceId = auth.device.id;
      deviceLabel = readableLabel(auth.device.label);
      if (from?.uri.host !== domain || !speaksAs(fromUser, auth.device)) {
        flow.send(createResponse(req, 403, 'Forbidden', [['Warning', '399 switchboard "From does not match credentials"']]));
        return null;
      }
    }
    const user = await this.users.get(domain, extension);
    if (!user) {
      flow.send(createResponse(req, 403, 'Forbidden'));
      return null;
    }
    return { user, deviceId, deviceLabel };
  }
}

/** The From user names this device's caller: their user's extension, or the device's own username. */
function speaksAs(fromUser: string | undefined, device: { extension: string; sipUsername: string }): boolean {
  return fromUser !== undefined && (fromUser === device.extension || fromUser === device.sipUsername);
}
