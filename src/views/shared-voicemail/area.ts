import type { AreaDefinition } from '../../areas/area.js';

export const sharedVoicemailArea: AreaDefinition = {
  id: 'shared-voicemail',
  label: 'Shared Voicemail',
  icon: 'voicemail',
  path: '/shared-voicemail',
  tag: 'sb-shared-voicemail-view',
  load: () => import('./sb-shared-voicemail-view.js'),
  // Only for users a box is granted to.
  available: (services) => services.sharedVoicemail?.available ?? false,
  badge: (services) => services.sharedVoicemail,
  // Open: refreshed now (also when its icon is pressed again) and every 30 s; closed: not polled.
  visible: (services, visible) => services.sharedVoicemail?.setOpen(visible),
};
