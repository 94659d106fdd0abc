import { assessmentSummaries, type SummarisedTender } from './assessment-summary';

const criteria = [
  { name: 'Quality', weight: 60 },
  { name: 'Price', weight: 40 },
];
const tender = (responseId: string, price: number, quality: number, priceScore: number): SummarisedTender => ({
  responseId,
  supplierId: `s-${responseId}`,
  price,
  agreed: new Map([
    ['Quality', quality],
    ['Price', priceScore],
  ]),
  reasons: new Map([
    ['Quality', null],
    ['Price', null],
  ]),
});

test('a loser is told its total, the winner’s and the criterion that cost it most', () => {
  const [loser] = assessmentSummaries(criteria, 'LOWEST_PRICE', [tender('a', 80000, 50, 85), tender('b', 60000, 75, 75)], 'b');
  expect(loser).toMatchObject({ won: false, totalHundredths: 6400, winningTotalHundredths: 7500, decidedByTieBreak: false });
  expect(loser!.reason).toBe(
    'Your tender scored 64.0 against the winning 75.0 under the published weights; the largest gap was on Quality (25 points, 15.0 weighted).',
  );
});

test('equal totals: the summaries say the published tie-break decided it, with its figures', () => {
  const tenders = [tender('a', 80000, 70, 90), tender('b', 60000, 70, 90)];
  const [loser, winner] = assessmentSummaries(criteria, 'LOWEST_PRICE', tenders, 'b');
  expect(loser).toMatchObject({ won: false, decidedByTieBreak: true });
  expect(loser!.reason).toBe(
    'Your tender scored 78.0, equal to the winning 78.0 under the published weights; the published tie-break (the lowest price) decided it: the winning price was £60,000.00 against your £80,000.00.',
  );
  expect(winner).toMatchObject({ won: true, decidedByTieBreak: true });
  expect(winner!.reason).toContain('settled by the published tie-break');
  const [byFirst] = assessmentSummaries(
    criteria,
    'HIGHEST_SCORE_ON_FIRST_CRITERION',
    [tender('a', 1, 70, 90), tender('b', 1, 90, 60)],
    'b',
  );
  expect(byFirst!.reason).toContain(
    'the higher agreed score on the first criterion, Quality) decided it: the winner scored 90 against your 70',
  );
});
