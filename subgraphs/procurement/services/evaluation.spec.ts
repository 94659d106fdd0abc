import { missingEvaluations, moderationReasonRequired, mostAdvantageous, weightedTotalHundredths } from './evaluation';

const criteria = [
  { name: 'Quality', weight: 60 },
  { name: 'Price', weight: 40 },
];
const agreed = (quality: number, price: number) =>
  new Map([
    ['Quality', quality],
    ['Price', price],
  ]);

describe('the evaluation decides the award', () => {
  test('a (response, criterion) counts distinct evaluators against the required number', () => {
    const scores = [
      { responseId: 'a', evaluatorId: 'e1', criterion: 'Quality', score: 70 },
      { responseId: 'a', evaluatorId: 'e2', criterion: 'Quality', score: 80 },
      { responseId: 'a', evaluatorId: 'e1', criterion: 'Price', score: 60 },
    ];
    expect(missingEvaluations(criteria, ['a', 'b'], scores, 2)).toEqual([
      { responseId: 'a', criterion: 'Price', evaluators: 1, required: 2 },
      { responseId: 'b', criterion: 'Quality', evaluators: 0, required: 2 },
      { responseId: 'b', criterion: 'Price', evaluators: 0, required: 2 },
    ]);
    expect(missingEvaluations(criteria, ['a'], scores, 1)).toEqual([]);
  });

  test('a reason is needed unless every evaluator gave the agreed score', () => {
    expect(moderationReasonRequired(70, [70, 70])).toBe(false);
    expect(moderationReasonRequired(75, [70, 80])).toBe(true); // the mean, yet it differs from each
    expect(moderationReasonRequired(70, [70, 80])).toBe(true);
  });

  test('the highest weighted total wins, compared exactly', () => {
    expect(weightedTotalHundredths(criteria, agreed(80, 60))).toBe(7200);
    expect(weightedTotalHundredths(criteria, new Map([['Quality', 80]]))).toBeNull();
    const tenders = [
      { responseId: 'cheap', price: 50000, agreed: agreed(50, 100) }, // 70
      { responseId: 'good', price: 89000, agreed: agreed(90, 50) }, // 74
    ];
    expect(mostAdvantageous(criteria, 'LOWEST_PRICE', tenders)).toEqual(['good']);
  });

  test('equal totals are settled by the published tie-break; still equal, either may be awarded', () => {
    const tied = [
      { responseId: 'dear', price: 89000, agreed: agreed(80, 60) }, // 72
      { responseId: 'cheap', price: 50000, agreed: agreed(60, 90) }, // 72
    ];
    expect(mostAdvantageous(criteria, 'LOWEST_PRICE', tied)).toEqual(['cheap']);
    expect(mostAdvantageous(criteria, 'HIGHEST_SCORE_ON_FIRST_CRITERION', tied)).toEqual(['dear']);
    const identical = [
      { responseId: 'x', price: 50000, agreed: agreed(60, 90) },
      { responseId: 'y', price: 50000, agreed: agreed(60, 90) },
    ];
    expect(mostAdvantageous(criteria, 'LOWEST_PRICE', identical)).toEqual(['x', 'y']);
  });
});
