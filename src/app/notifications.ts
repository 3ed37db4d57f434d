/**
 * OS notifications for events that need the user while the app is in the background. Shown
 * through the service worker when there is one (its notificationclick brings the app forward,
 * see sw/sw.ts), else with the page's Notification constructor.
 */
export interface NotifyOptions {
  title: string;
  body: string;
  /** Notifications with the same tag replace each other (one per call). */
  tag: string;
  /** Skip it while the user is looking at the app. */
  onlyWhenHidden?: boolean;
}

export async function notify(opts: NotifyOptions): Promise<void> {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  if (opts.onlyWhenHidden && document.visibilityState === 'visible') return;
  const options: NotificationOptions = { body: opts.body, tag: opts.tag, icon: '/icons/icon-192.png', requireInteraction: true, data: { url: location.href } };
  // A registration whose worker is still installing (the very first visit) cannot show
  // notifications yet: the page's own Notification does instead.
  const registration = await navigator.serviceWorker?.getRegistration().catch(() => undefined);
  if (registration?.active) {
    try {
      await registration.showNotification(opts.title, options);
      return;
    } catch (err) {
      console.warn('Switchboard: the service worker could not show a notification', err);
    }
  }
  const n = new Notification(opts.title, options);
  n.onclick = () => {
    window.focus();
    n.close();
  };
}
