import type { AreaDefinition } from '../../areas/area.js';

export const recordingsArea: AreaDefinition = {
  id: 'recordings',
  label: 'Recordings',
  icon: 'voicemail',
  path: '/recordings',
  tag: 'sb-recordings-view',
  load: () => import('./sb-recordings-view.js'),
};
