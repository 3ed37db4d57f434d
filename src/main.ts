/// <reference types="vite/client" />
/**
 * Composition root: builds the services, registers the service worker, mounts <sb-app>.
 * Everything below <sb-app> gets what it needs through narrow contexts (views) or properties
 * (components).
 */
import { Workbox } from 'workbox-window';
import { tokens } from './styles/tokens.js';
import { HttpClient, localSessionStorage } from './data/http.js';
import { CallsResource } from './data/resources/calls.js';
import { CdrsResource } from './data/resources/cdrs.js';
import { ContactsResource } from './data/resources/contacts.js';
import { DevicesResource } from './data/resources/devices.js';
import { DirectoryResource } from './data/resources/directory.js';
import { RecordingsResource } from './data/resources/recordings.js';
import { VoicemailsResource } from './data/resources/voicemails.js';
import { GreetingsResource } from './data/resources/greetings.js';
import { AccountResource } from './data/resources/account.js';
import { MessageSessionsResource } from './data/resources/message-sessions.js';
import { MessageOutbox } from './data/message-outbox.js';
import { IdbConversationCache } from './data/conversation-cache.js';
import { Conversations } from './state/conversations.js';
import { IdbVoicemailCache } from './data/voicemail-cache.js';
import { VoicemailOutbox } from './data/voicemail-outbox.js';
import { openSwitchboardDB } from './data/db.js';
import { EventsClient } from './data/events.js';
import { RecordingQueue } from './data/recording-queue.js';
import { CallHistory } from './state/call-history.js';
import { ContactBook } from './state/contact-book.js';
import { Directory } from './state/directory.js';
import { MissedCalls } from './state/missed-calls.js';
import { Session } from './state/session.js';
import { SettingsStore } from './state/settings.js';
import { UserData } from './state/user-data.js';
import { VoicemailBox } from './state/voicemail-box.js';
import { SharedVoicemail } from './state/shared-voicemail.js';
import { Ringer } from './app/ringer.js';
import { InstallPrompt } from './app/install-prompt.js';
import { startSharedVoicemailPolling } from './app/shared-voicemail-poller.js';
import './app/sb-app.js';
import type { SbApp } from './app/sb-app.js';

// Listens from the first moment: `beforeinstallprompt` may fire before the app has mounted.
const install = new InstallPrompt();

function mount(): SbApp {
  // Document-level tokens paint the page behind the shell and reach every element.
  if (tokens.styleSheet) {
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, tokens.styleSheet];
  }
  const app = document.querySelector('sb-app') ?? document.body.appendChild(document.createElement('sb-app'));
  const settings = new SettingsStore();
  // One HTTP client (tokens, refresh, errors); one module per resource, each given to what uses it.
  const http = new HttpClient(localSessionStorage());
  const devices = new DevicesResource(http);
  const recordingsApi = new RecordingsResource(http);
  const session = new Session(http, devices);
  const events = new EventsClient(() => http.eventsUrl(), () => http.token(), () => session.deviceId);
  const db = openSwitchboardDB();
  const directory = new Directory(new DirectoryResource(http), events, db);
  const contactBook = new ContactBook(db, new ContactsResource(http));
  const callHistory = new CallHistory(db, new CdrsResource(http));
  const userData = new UserData(db, directory, contactBook, callHistory, events);
  const queue = new RecordingQueue(db, (rec, body) => recordingsApi.upload(rec, body));
  window.addEventListener('online', () => void queue.flush());
  const phoneApi = { devices, calls: new CallsResource(http) };
  const missedCalls = new MissedCalls(callHistory);
  const voicemailsApi = new VoicemailsResource(http);
  const voicemailCache = new IdbVoicemailCache(db);
  const voicemailChanges = new VoicemailOutbox(db, voicemailsApi);
  const voicemail = new VoicemailBox(voicemailsApi, session, events, voicemailCache, '~', voicemailChanges);
  const sharedVoicemail = new SharedVoicemail(voicemailsApi, session, events, voicemailCache, voicemailChanges);
  const messagesApi = new MessageSessionsResource(http);
  const conversations = new Conversations(messagesApi, session, events, new MessageOutbox(db, messagesApi), new IdbConversationCache(db));
  Object.assign(app, {
    session, settings, directory, contactBook, callHistory, userData, events, recordingsApi,
    ringer: new Ringer(), install, recordingQueue: queue, missedCalls, areaServices: { missedCalls, voicemail, sharedVoicemail, conversations, greetings: new GreetingsResource(http), account: new AccountResource(http) },
  });

  // The phone (JsSIP, the call store, the call UI) loads once someone has signed in: the login
  // screen does not download it. Later sign-ins in this page reuse it.
  let phone: Promise<void> | null = null;
  const loadPhone = () => {
    phone ??= import('./app/phone-services.js')
      .then((m) => void Object.assign(app, m.createPhoneServices({ session, settings, events, queue, api: phoneApi, directory, http })))
      .catch((err: unknown) => {
        phone = null; // a later sign-in (or the network coming back) tries again
        console.warn('Switchboard: loading the phone failed', err);
      });
  };
  session.addEventListener('session-changed', () => {
    if (session.state === 'signed-in') loadPhone();
  });
  // A saved session (the installed app's every start): fetch the phone while the page starts.
  if (http.savedUser()) loadPhone();
  window.addEventListener('online', () => {
    if (session.state === 'signed-in') loadPhone();
  });
  void session.restore();
  if (import.meta.env.PROD) startSharedVoicemailPolling(session, () => http.heldToken());
  return app;
}

/**
 * Registers the service worker in production builds only: in development Vite serves modules
 * unbundled and a caching worker would only get in the way.
 *
 * An update never takes over by itself. The new worker waits (sw/sw.ts only calls skipWaiting on
 * request) and the shell offers "Reload", so a new version cannot swap in under a live call.
 */
function registerServiceWorker(app: SbApp): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const wb = new Workbox(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });

  wb.addEventListener('waiting', () => {
    app.updateReady = true;
  });
  app.addEventListener('sb-update-accept', () => {
    // Reload once the waiting worker has taken control, so the page and worker match.
    wb.addEventListener('controlling', () => window.location.reload());
    wb.messageSkipWaiting();
  });

  wb.register().catch((err: unknown) => {
    // The app still works online without a worker; it just cannot start offline.
    console.warn('Switchboard: service worker registration failed', err);
  });
}

const app = mount();
registerServiceWorker(app);
