import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { loadOperationLimits } from '../platform/config';
import { repositoryRoot } from '../platform/paths';
import { countRefusal, OperationPrevalidation } from './operation-prevalidation';

const limits = loadOperationLimits({});

describe('operation limits counted before validation', () => {
  it('refuses by each count, the token limit first', () => {
    expect(countRefusal(limits, `{ ${'__typename '.repeat(limits.maxTokens)}}`)).toMatchObject({
      limit: 'tokens',
      maximum: limits.maxTokens,
    });
    expect(countRefusal(limits, `{ ${'innovations{edges{node{id}}} '.repeat(150)}}`)).toMatchObject({ limit: 'fieldRepeats' });
    expect(countRefusal(limits, `{ ${Array.from({ length: limits.maxFields + 1 }, (_, i) => `f${i}`).join(' ')} }`)).toMatchObject({
      limit: 'fields',
    });
    expect(countRefusal(limits, `{ ${'...on Query{__typename} '.repeat(limits.maxFragments + 1)}}`)).toMatchObject({ limit: 'fragments' });
    expect(countRefusal(limits, `{ __typename ${'@aa'.repeat(limits.maxDirectives + 1)} }`)).toMatchObject({ limit: 'directives' });
  });

  it('passes every legitimate operation with room to spare: operations/ and the explorer’s introspection', () => {
    const directory = path.join(repositoryRoot, 'operations');
    const documents = readdirSync(directory)
      .filter((name) => name.endsWith('.graphql'))
      .map((name) => readFileSync(path.join(directory, name), 'utf8'));
    expect(documents.length).toBeGreaterThan(10);
    documents.push(
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
      }),
    );
    // Each fits in a fifth of the token and field limits, so a legitimate page has room to grow.
    const tighter = { ...limits, maxTokens: limits.maxTokens / 5, maxFields: limits.maxFields / 5 };
    for (const document of documents) {
      expect(countRefusal(limits, document)).toBeUndefined();
      expect(countRefusal(tighter, document)).toBeUndefined();
    }
  });

  it('hands on what it cannot judge: syntax errors and documents within every limit', () => {
    expect(countRefusal(limits, '{ innovations(first: 1) { totalCount ')).toBeUndefined();
    expect(countRefusal(limits, '{ innovations(first: 1) { totalCount } }')).toBeUndefined();
  });

  it('remembers verdicts by the query text', () => {
    const prevalidation = new OperationPrevalidation(limits);
    const abusive = `{ ${'__typename '.repeat(500)}}`;
    const first = prevalidation.check(abusive);
    expect(first).toMatchObject({ refusal: { limit: 'fieldRepeats' }, remembered: false });
    expect(prevalidation.check(abusive)).toEqual({ refusal: first.refusal, remembered: true });
    expect(prevalidation.check(`${abusive} `)).toMatchObject({ remembered: false });
    const fine = '{ __typename }';
    expect(prevalidation.check(fine)).toEqual({ refusal: undefined, remembered: false });
    expect(prevalidation.check(fine)).toEqual({ refusal: undefined, remembered: true });
  });
});
