import type { AreaDefinition } from '../../areas/area.js';

export const voicemailArea: AreaDefinition = {
  id: 'voicemail',
  label: 'Voicemail',
  icon: 'voicemail',
  path: '/voicemail',
  tag: 'sb-voicemail-view',
  load: () => import('./sb-voicemail-view.js'),
  // The count of new messages, as on a desk phone's lamp.
  badge: (services) => services.voicemail,
  // Opening the area is a good moment to catch up (a message may have come in while offline).
  visible: (services, visible) => {
    if (visible) void services.voicemail?.refresh();
  },
};
