import type { AreaDefinition } from '../../areas/area.js';

export const historyArea: AreaDefinition = {
  id: 'history',
  label: 'Call History',
  icon: 'history',
  path: '/history',
  tag: 'sb-history-view',
  load: () => import('./sb-history-view.js'),
  badge: (services) => services.missedCalls,
  // What Call History shows is seen: the missed-calls badge clears while it is open.
  visible: (services, visible) => services.missedCalls?.setViewing(visible),
};
