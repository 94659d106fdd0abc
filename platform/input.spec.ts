import { refusalFor } from './refusals';
import {
  boundedList,
  calendarDate,
  decimalNumber,
  emailAddress,
  httpsUrl,
  idList,
  optionalText,
  pounds,
  requiredText,
  searchText,
  wholeNumber,
} from './input';

const id = '0b5a4d3e-8f1c-4c2a-9d7e-1f2e3d4c5b6a';
const otherId = '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

/** The refusal a reader's error becomes in a mutation payload, or undefined when it accepted the value. */
function refusalOf(read: () => unknown) {
  try {
    read();
  } catch (error) {
    return refusalFor(error);
  }
  return undefined;
}

describe('every reader refuses as InvalidInput naming the field', () => {
  it.each<[string, () => unknown]>([
    ['requiredText', () => requiredText('  ', { field: 'input.title', max: 10 })],
    ['optionalText', () => optionalText('x'.repeat(11), { field: 'input.title', max: 10 })],
    ['searchText', () => searchText('x'.repeat(11), { field: 'input.title', max: 10 })],
    ['httpsUrl', () => httpsUrl('http://example.com', { field: 'input.title', max: 100 })],
    ['emailAddress', () => emailAddress('nobody', { field: 'input.title' })],
    ['wholeNumber', () => wholeNumber(1.5, { field: 'input.title', min: 0, max: 9 })],
    ['decimalNumber', () => decimalNumber(-1, { field: 'input.title', min: 0 })],
    ['pounds', () => pounds(0, { field: 'input.title' })],
    ['calendarDate', () => calendarDate('2026-02-30', { field: 'input.title' })],
    ['boundedList', () => boundedList([1, 2, 3], { field: 'input.title', max: 2 })],
    ['idList', () => idList(['not-an-id'], { field: 'input.title', max: 2 })],
  ])('%s', (_reader, read) => {
    expect(refusalOf(read)).toMatchObject({ __typename: 'InvalidInput', code: 'BAD_USER_INPUT', field: 'input.title' });
  });
});

describe('text', () => {
  it('trims, and counts what is left against min and max', () => {
    expect(requiredText('  Kent  ', { field: 'name', max: 4 })).toBe('Kent');
    expect(() => requiredText('Kent!', { field: 'name', max: 4 })).toThrow('"name" must be at most 4 characters; it was 5.');
    expect(() => requiredText(null, { field: 'name', max: 4 })).toThrow('"name" must not be empty.');
    expect(() => requiredText('Too short', { field: 'grounds', min: 10, max: 100 })).toThrow(/at least 10 characters; it was 9/);
  });

  it('reads absent or blank optional text as null', () => {
    expect(optionalText(undefined, { field: 'note', max: 5 })).toBeNull();
    expect(optionalText('   ', { field: 'note', max: 5 })).toBeNull();
    expect(optionalText(' ok ', { field: 'note', max: 5 })).toBe('ok');
  });

  it('measures search text as sent, spaces included, and reads blank as no search', () => {
    expect(searchText(null, { field: 'search', max: 5 })).toBeNull();
    expect(searchText('  ', { field: 'search', max: 5 })).toBeNull();
    expect(searchText(' road ', { field: 'search', max: 6 })).toBe('road');
    expect(() => searchText(' road ', { field: 'search', max: 5 })).toThrow(/at most 5 characters; it was 6/);
  });
});

describe('links and addresses', () => {
  it('takes https links only, normalised', () => {
    expect(httpsUrl(' https://Example.com ', { field: 'joinUrl', max: 100 })).toBe('https://example.com/');
    expect(() => httpsUrl('javascript:alert(1)', { field: 'joinUrl', max: 100 })).toThrow(/https URL; it was javascript:/);
    expect(() => httpsUrl('not a url', { field: 'joinUrl', max: 100 })).toThrow(/https URL; it is not a URL/);
    expect(() => httpsUrl(`https://example.com/${'x'.repeat(100)}`, { field: 'joinUrl', max: 100 })).toThrow(/at most 100/);
  });

  it('reads an email address in lower case, and refuses anything else', () => {
    expect(emailAddress(' Ada@Kent.gov.uk ', { field: 'email' })).toBe('ada@kent.gov.uk');
    for (const text of ['ada@kent', 'ada kent@kent.gov.uk', `${'a'.repeat(320)}@kent.gov.uk`]) {
      expect(() => emailAddress(text, { field: 'email' })).toThrow(/"email" must be an email address/);
    }
  });
});

describe('numbers and dates', () => {
  it('takes whole numbers in range, with or without an upper bound', () => {
    expect(wholeNumber(0, { field: 'first', min: 0, max: 100 })).toBe(0);
    expect(() => wholeNumber(101, { field: 'first', min: 0, max: 100 })).toThrow(
      '"first" must be a whole number from 0 to 100; it was 101.',
    );
    expect(wholeNumber(500, { field: 'days', min: 2 })).toBe(500);
    expect(() => wholeNumber(1, { field: 'days', min: 2 })).toThrow('"days" must be a whole number of at least 2; it was 1.');
  });

  it('takes fractions as decimal numbers, never NaN or infinity', () => {
    expect(decimalNumber(12.5, { field: 'feePercent', min: 0, max: 100 })).toBe(12.5);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, 100.01]) {
      expect(() => decimalNumber(value, { field: 'feePercent', min: 0, max: 100 })).toThrow(/"feePercent" must be a number/);
    }
  });

  it('takes pounds above 0, to the penny', () => {
    expect(pounds(1234.56, { field: 'budget' })).toBe(1234.56);
    for (const value of [0, -1, 0.001, 1e12, Number.NaN]) expect(() => pounds(value, { field: 'budget' })).toThrow(/to the penny/);
  });

  it('takes calendar dates that exist', () => {
    expect(calendarDate('2028-02-29', { field: 'startedOn' })).toBe('2028-02-29');
    for (const text of ['2027-02-29', '2027-13-01', '1 March 2027', '2027-3-1']) {
      expect(() => calendarDate(text, { field: 'startedOn' })).toThrow(/"startedOn" must be a date "YYYY-MM-DD"/);
    }
  });
});

describe('lists', () => {
  it('bounds a list at both ends, calling an empty required list empty', () => {
    expect(boundedList(['a'], { field: 'tags', min: 1, max: 2 })).toEqual(['a']);
    expect(() => boundedList([], { field: 'roles', min: 1 })).toThrow('"roles" must not be empty.');
    expect(() => boundedList(['a', 'b', 'c'], { field: 'tags', max: 2, noun: 'tags' })).toThrow(
      '"tags" must hold at most 2 tags; it held 3.',
    );
    expect(() => boundedList(['a'], { field: 'x', min: 2, max: 3 })).toThrow('"x" must hold 2 to 3 items; it held 1.');
  });

  it('reads ids in lower case, refusing an id given twice unless repeats are merged', () => {
    expect(idList([id.toUpperCase(), otherId], { field: 'speakerIds', max: 2 })).toEqual([id, otherId]);
    expect(() => idList([id, id.toUpperCase()], { field: 'speakerIds', max: 2 })).toThrow('"speakerIds" lists an id twice.');
    expect(idList([id, id, otherId], { field: 'innovationIds', min: 1, max: 2, repeats: 'merged' })).toEqual([id, otherId]);
    expect(() => idList([], { field: 'hostIds', min: 1, max: 2 })).toThrow('"hostIds" must not be empty.');
    // Counted before reading each id, so a huge list is refused without parsing it.
    expect(() =>
      idList(
        Array.from({ length: 1000 }, () => 'x'),
        { field: 'routeIds', max: 20 },
      ),
    ).toThrow(/at most 20 ids; it held 1000/);
  });
});
