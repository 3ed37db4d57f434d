import { expect } from '@open-wc/testing';
import { CONTACT_FIELDS, fieldsOf, mergeContact, sameFields } from '../../../src/data/contact-merge.js';
import type { ContactFields } from '../../../src/data/wire.js';

const base: ContactFields = {
  first_name: 'Pat', last_name: 'Lee', company: 'Acme', email: 'pat@acme.test', notes: 'met at expo',
  numbers: [{ label: 'work', number: '+1 415 555 0101' }],
};
const edit = (over: Partial<ContactFields>): ContactFields => ({ ...fieldsOf(base), ...over });

describe('mergeContact (the 409 rule for personal contacts)', () => {
  it('nobody changed anything: the other side\'s copy, nothing overridden', () => {
    const r = mergeContact(base, edit({}), edit({}));
    expect(r.fields).to.deep.equal(fieldsOf(base));
    expect(r.overridden).to.deep.equal([]);
  });

  it('a field only I changed takes my value; a field only they changed keeps theirs', () => {
    const r = mergeContact(base, edit({ company: 'Acme Corp' }), edit({ email: 'lee@acme.test' }));
    expect(r.fields.company).to.equal('Acme Corp');
    expect(r.fields.email).to.equal('lee@acme.test');
    expect(r.fields.first_name).to.equal('Pat');
    expect(r.overridden).to.deep.equal([]);
  });

  it('a field both changed differently keeps theirs and is reported; the same change is not a conflict', () => {
    const r = mergeContact(base, edit({ first_name: 'Patricia', notes: 'VIP' }), edit({ first_name: 'Patty', notes: 'VIP' }));
    expect(r.fields.first_name).to.equal('Patty');
    expect(r.fields.notes).to.equal('VIP');
    expect(r.overridden).to.deep.equal(['first_name']);
  });

  it('every field takes part, in a fixed order, and several conflicts are all reported', () => {
    expect([...CONTACT_FIELDS]).to.deep.equal(['first_name', 'last_name', 'company', 'email', 'notes', 'numbers']);
    const mine = edit({ first_name: 'A', last_name: 'B', company: 'C', email: 'D', notes: 'E', numbers: [] });
    const theirs = edit({ first_name: 'a', last_name: 'b', company: 'c', email: 'd', notes: 'e', numbers: [{ label: 'home', number: '1' }] });
    const r = mergeContact(base, mine, theirs);
    expect(r.overridden).to.deep.equal([...CONTACT_FIELDS]);
    expect(r.fields).to.deep.equal(fieldsOf(theirs));
    const onlyMine = mergeContact(base, mine, edit({}));
    expect(onlyMine.fields).to.deep.equal(fieldsOf(mine));
    expect(onlyMine.overridden).to.deep.equal([]);
  });

  it('numbers are one field: my list wins whole when only I changed it, and is a copy', () => {
    const mine = edit({ numbers: [{ label: 'mobile', number: '+1 415 555 0199' }, { label: 'work', number: '+1 415 555 0101' }] });
    const r = mergeContact(base, mine, edit({ company: 'Acme Corp' }));
    expect(r.fields.numbers).to.deep.equal(mine.numbers);
    expect(r.fields.numbers).not.to.equal(mine.numbers);
    expect(r.fields.numbers[0]).not.to.equal(mine.numbers[0]);
    expect(r.fields.company).to.equal('Acme Corp');
    // Both changed the list differently: theirs, whole, reported.
    const both = mergeContact(base, mine, edit({ numbers: [{ label: 'home', number: '+1 415 555 0111' }] }));
    expect(both.fields.numbers).to.deep.equal([{ label: 'home', number: '+1 415 555 0111' }]);
    expect(both.overridden).to.deep.equal(['numbers']);
  });

  it('the result never shares objects with its inputs', () => {
    const theirs = edit({});
    const r = mergeContact(base, edit({}), theirs);
    expect(r.fields).not.to.equal(theirs);
    expect(r.fields.numbers).not.to.equal(theirs.numbers);
    expect(r.fields.numbers[0]).not.to.equal(theirs.numbers[0]);
  });

  it('fieldsOf keeps only the contact\'s fields; sameFields compares every one of them', () => {
    const withExtra = { ...base, id: 'c1', version: 3, pending: true, numbers: [{ label: 'work' as const, number: '1', extra: 'x' }] } as unknown as ContactFields;
    expect(fieldsOf(withExtra)).to.deep.equal({ ...fieldsOf(base), numbers: [{ label: 'work', number: '1' }] });
    expect(sameFields(base, edit({}))).to.equal(true);
    for (const key of CONTACT_FIELDS) {
      const changed = key === 'numbers' ? edit({ numbers: [] }) : edit({ [key]: 'different' });
      expect(sameFields(base, changed), key).to.equal(false);
    }
  });
});
