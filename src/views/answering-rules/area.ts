import type { AreaDefinition } from '../../areas/area.js';

export const answeringRulesArea: AreaDefinition = {
  id: 'answering-rules',
  label: 'Answering Rules',
  icon: 'rules',
  path: '/answering-rules',
  tag: 'sb-answering-rules-view',
  load: () => import('./sb-answering-rules-view.js'),
};
