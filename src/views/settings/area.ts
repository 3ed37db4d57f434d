import type { AreaDefinition } from '../../areas/area.js';

export const settingsArea: AreaDefinition = {
  id: 'settings',
  label: 'Settings',
  icon: 'settings',
  path: '/settings',
  tag: 'sb-settings-view',
  load: () => import('./sb-settings-view.js'),
};
