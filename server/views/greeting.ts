/** A voicemail greeting as the API and the Greetings area show it. */
import type { GreetingEntry } from '../../src/data/wire.js';
import type { Greeting } from '../voicemail/greeting-types.js';

export function greetingView(g: Greeting): GreetingEntry {
  return {
    index: g.index,
    name: g.name,
    source: g.source,
    text: g.text,
    duration_s: g.durationS,
    active: g.active,
    created_at: new Date(g.createdAt).toISOString(),
    updated_at: new Date(g.updatedAt).toISOString(),
    audio_url: `/api/v2/domains/${encodeURIComponent(g.domain)}/users/${encodeURIComponent(g.extension)}/greetings/${g.index}/audio`,
  };
}
