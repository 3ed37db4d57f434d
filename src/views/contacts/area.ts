import type { AreaDefinition } from '../../areas/area.js';
import type { ContactFormValue } from '../../components/sb-contact-form.js';

export const contactsArea: AreaDefinition = {
  id: 'contacts',
  label: 'Contacts',
  icon: 'contacts',
  path: '/contacts',
  tag: 'sb-contacts-view',
  load: () => import('./sb-contacts-view.js'),
  // "Add to Contacts" from Call History: a new personal contact, pre-filled with the party.
  open: (view, params) => {
    const party = params['contact'] as { name: string; number: string } | undefined;
    if (!party) return;
    const [first = '', ...rest] = party.name.split(/\s+/);
    const value: Partial<ContactFormValue> = { first_name: first, last_name: rest.join(' '), numbers: [{ label: 'other', number: party.number }] };
    (view as HTMLElement & { newContact(v: Partial<ContactFormValue>): void }).newContact(value);
  },
};
