/** Voicemail messages as the store keeps them (folders as NetSapiens names them). */
export type VoicemailFolder = 'new' | 'save' | 'trash';
export const VOICEMAIL_FOLDERS: readonly VoicemailFolder[] = ['new', 'save', 'trash'];

/** `pending` until the transcriber has run; `none` when no transcriber is installed. */
export type TranscriptionStatus = 'pending' | 'done' | 'failed' | 'none';

export interface Voicemail {
  id: string;
  /** The mailbox: its user. */
  domain: string;
  extension: string;
  callerNumber: string;
  callerName: string;
  callId: string;
  receivedAt: number;
  durationS: number;
  folder: VoicemailFolder;
  bytes: number;
  transcription: string | null;
  transcriptionStatus: TranscriptionStatus;
  /** Who last moved it, and when (shared boxes are moved by several people). */
  movedBy: string | null;
  movedAt: number | null;
}

export interface VoicemailCounts {
  new: number;
  save: number;
  trash: number;
}

export interface VoicemailRepo {
  insert(vm: Voicemail): Promise<void>;
  get(domain: string, extension: string, id: string): Promise<Voicemail | undefined>;
  /** Newest first, keyset-paged by an opaque numeric cursor. */
  list(domain: string, extension: string, folder: VoicemailFolder, opts: { before?: number; limit: number }): Promise<{ items: Voicemail[]; nextCursor: number | null }>;
  move(domain: string, extension: string, id: string, folder: VoicemailFolder, by: string, at: number): Promise<Voicemail | undefined>;
  /** For good (the audio file is the caller's to remove). */
  delete(domain: string, extension: string, id: string): Promise<boolean>;
  counts(domain: string, extension: string): Promise<VoicemailCounts>;
  setTranscription(id: string, status: TranscriptionStatus, text: string | null): Promise<void>;
  /** Messages whose transcription had not run when the platform stopped. */
  pendingTranscriptions(): Promise<Voicemail[]>;
}
