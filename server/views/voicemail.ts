/** A voicemail message as the API and the Voicemail area show it. */
import type { VoicemailEntry } from '../../src/data/wire.js';
import type { Voicemail } from '../voicemail/types.js';

export function voicemailView(vm: Voicemail): VoicemailEntry {
  const base = `/api/v2/domains/${encodeURIComponent(vm.domain)}/users/${encodeURIComponent(vm.extension)}/voicemails/${vm.folder}/${vm.id}`;
  return {
    id: vm.id,
    mailbox: vm.extension,
    folder: vm.folder,
    caller_number: vm.callerNumber,
    caller_name: vm.callerName,
    received_at: new Date(vm.receivedAt).toISOString(),
    duration_s: vm.durationS,
    transcription: vm.transcription,
    transcription_status: vm.transcriptionStatus,
    audio_url: `${base}/audio`,
    moved_by: vm.movedBy,
    moved_at: vm.movedAt === null ? null : new Date(vm.movedAt).toISOString(),
  };
}
