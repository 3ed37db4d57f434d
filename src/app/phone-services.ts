/**
 * The phone half of the composition root, loaded after sign-in (a dynamic import from main.ts):
 * the JsSIP user agent, the line, the call store and everything that needs them, plus the call
 * workspace that shows them. The login screen never downloads any of it.
 */
import { CallRecording } from '../phone/call-recording.js';
import { ConferenceMixer } from '../phone/conference-mixer.js';
import { JsSipPhone } from '../phone/jssip-phone.js';
import { CallStore } from '../state/call-store.js';
import { OtherDevices } from '../state/other-devices.js';
import { CallRecordings } from '../state/recordings.js';
import { PhoneLine } from '../state/phone-line.js';
import { AnsweringRules } from '../state/answering-rules.js';
import { AccountResource } from '../data/resources/account.js';
import { AnswerRulesResource } from '../data/resources/answer-rules.js';
import { TimeFramesResource } from '../data/resources/time-frames.js';
import type { Http } from '../data/http.js';
import type { Directory } from '../state/directory.js';
import type { Session } from '../state/session.js';
import type { SettingsStore } from '../state/settings.js';
import type { EventsClient } from '../data/events.js';
import type { CallsResource } from '../data/resources/calls.js';
import type { DevicesResource } from '../data/resources/devices.js';
import type { RecordingQueue } from '../data/recording-queue.js';
import { TabLock } from './tab-lock.js';
import '../workspace/sb-call-workspace.js';
import '../components/sb-dnd-toggle.js';

export interface PhoneServices {
  line: PhoneLine;
  calls: CallStore;
  otherDevices: OtherDevices;
  recordings: CallRecordings;
  /** My answering rules: the top bar's quick Do Not Disturb, and the Answering Rules area. */
  answeringRules: AnsweringRules;
}

/** The resources the phone's stores speak to: my devices and my calls. */
export interface PhoneApi {
  devices: DevicesResource;
  calls: CallsResource;
}

export function createPhoneServices(deps: { session: Session; settings: SettingsStore; events: EventsClient; queue: RecordingQueue; api: PhoneApi; directory: Directory; http: Http }): PhoneServices {
  const { session, settings, events, queue, api, directory, http } = deps;
  const phone = new JsSipPhone();
  phone.setAudioDevices(settings.value);
  const line = new PhoneLine(
    phone,
    (renew) => session.sipCredentials(navigator.userAgent, renew),
    (onLost) => new TabLock(`switchboard-phone:${session.user?.extension}@${session.user?.domain}`, onLost),
  );
  const calls = new CallStore(phone, {
    holdReminderMs: settings.value.holdReminderS * 1000,
    endedLingerMs: 4000,
    createMixer: () => new ConferenceMixer(),
  });
  // Calls are named from the directory when the caller's own name is missing.
  calls.setDirectory(directory.names);
  directory.addEventListener('directory-changed', () => calls.setDirectory(directory.names));
  settings.addEventListener('settings-changed', () => {
    phone.setAudioDevices(settings.value);
    calls.setOptions({ holdReminderMs: settings.value.holdReminderS * 1000 });
  });
  const otherDevices = new OtherDevices(api, phone, calls, events, () => session.deviceId);
  // One call records itself (mic + remote); a conference records its mixer's mix of everyone.
  // The other party is told when I record (and I when they do): `relay`.
  const recordings = new CallRecordings(queue, (legs) => {
    const conference = legs.length > 1 ? calls.conferenceOf(legs[0]!.id) : undefined;
    return conference ? new CallRecording((conference.mixer as ConferenceMixer).recordingStream()) : new CallRecording(legs[0]!);
  }, { api: api.calls, events, calls });
  // Recordings a closed tab or a crash left behind are finished and uploaded; so are any that
  // waited for the network. This module loads at a sign-in, and later sign-ins reuse it.
  const recover = () => {
    if (session.state === 'signed-in') void queue.recover(recordings.activeRecordingIds);
  };
  session.addEventListener('session-changed', recover);
  recover();
  // Where my calls go: read at sign-in, followed through `answerrules` events.
  const answeringRules = new AnsweringRules(new AnswerRulesResource(http), new TimeFramesResource(http), new AccountResource(http), session, events);
  return { line, calls, otherDevices, recordings, answeringRules };
}
