/** The transcriber SWITCHBOARD_TRANSCRIBER names: auto (PocketSphinx when installed), pocketsphinx, http or none. */
import type { TranscriptionConfig } from '../../config.js';
import { HttpTranscriber } from './http.js';
import { findPocketSphinx, PocketSphinxTranscriber } from './pocketsphinx.js';
import type { Transcriber } from './transcriber.js';

export function selectTranscriber(config: TranscriptionConfig, env: Record<string, string | undefined> = process.env): Transcriber | null {
  switch (config.engine) {
    case 'none':
      return null;
    case 'http':
      return new HttpTranscriber({ url: config.url!, key: config.key, model: config.model });
    case 'pocketsphinx':
    case 'auto': {
      const install = findPocketSphinx(env);
      if (install) return new PocketSphinxTranscriber(install);
      if (config.engine === 'auto') return null;
      throw new Error('SWITCHBOARD_TRANSCRIBER=pocketsphinx, but PocketSphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us)');
    }
  }
}
