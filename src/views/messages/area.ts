import type { AreaDefinition } from '../../areas/area.js';

export const messagesArea: AreaDefinition = {
  id: 'messages',
  label: 'Chat and SMS',
  icon: 'chat',
  path: '/messages',
  tag: 'sb-messages-view',
  load: () => import('./sb-messages-view.js'),
  // Unread messages in all conversations.
  badge: (services) => services.conversations,
  visible: (services, visible) => {
    if (visible) void services.conversations?.refresh();
  },
  // Another area asked to start a conversation (Contacts' "Message").
  open: (view, params) => {
    const extension = params.extension;
    if (typeof extension === 'string') void (view as HTMLElement & { startWith?: (ext: string) => Promise<void> }).startWith?.(extension);
  },
};
