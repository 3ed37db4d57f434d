/** A user's side of a live call as the API and the `calls` event show it. */
import type { LiveCall } from '../../src/data/wire.js';
import type { CallLeg } from '../sip/queries.js';

export function liveCallView({ dialog, me }: CallLeg): LiveCall {
  const other = me === dialog.caller ? dialog.callee : dialog.caller;
  return {
    call_id: dialog.callId,
    device_id: me.deviceId,
    device_label: me.deviceLabel,
    local_tag: me.tag,
    remote_tag: other.tag,
    remote: { number: other.extension, name: other.name },
    direction: me === dialog.caller ? 'outbound' : 'inbound',
    since: new Date(dialog.startedAt).toISOString(),
  };
}
