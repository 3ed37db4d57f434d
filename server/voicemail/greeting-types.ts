/**
 * A user's voicemail greetings, numbered per user (NetSapiens' greeting index). At most one is
 * active; none active means the default, the user's name spoken ("Bob Baker is not available").
 */
export type GreetingSource = 'recorded' | 'uploaded' | 'spoken';

export interface Greeting {
  domain: string;
  extension: string;
  /** 1, 2, ... per user; never reused while the greeting exists. */
  index: number;
  name: string;
  source: GreetingSource;
  /** What is spoken, for a greeting typed as text; '' otherwise. */
  text: string;
  durationS: number;
  bytes: number;
  /** Its audio file's name (written before the row, so a listed greeting always has its audio). */
  fileId: string;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export type NewGreeting = Omit<Greeting, 'index' | 'active' | 'updatedAt'>;

export interface GreetingRepo {
  /** In index order. */
  list(domain: string, extension: string): Promise<Greeting[]>;
  get(domain: string, extension: string, index: number): Promise<Greeting | undefined>;
  /** Takes the next free index atomically. */
  create(g: NewGreeting): Promise<Greeting>;
  rename(domain: string, extension: string, index: number, name: string, at: number): Promise<Greeting | undefined>;
  /** Makes `index` the only active greeting; 0 makes the default active. False if no such greeting. */
  activate(domain: string, extension: string, index: number): Promise<boolean>;
  /** The active one goes with it: the default answers from then on. */
  delete(domain: string, extension: string, index: number): Promise<boolean>;
  active(domain: string, extension: string): Promise<Greeting | undefined>;
}
