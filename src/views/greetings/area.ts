import type { AreaDefinition } from '../../areas/area.js';

export const greetingsArea: AreaDefinition = {
  id: 'greetings',
  label: 'Greetings',
  icon: 'greetings',
  path: '/greetings',
  tag: 'sb-greetings-view',
  load: () => import('./sb-greetings-view.js'),
};
