/**
 * Upstream's DefaultNormalizeScore: scales scores so the highest becomes MAX_NODE_SCORE
 * (integer arithmetic); with `reverse`, a low raw score is good (e.g. fewer untolerated
 * taints), so the result is flipped. All-zero scores stay 0, or become MAX when reversed.
 */
import { MAX_NODE_SCORE } from './interface.ts';

export function defaultNormalizeScore(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
