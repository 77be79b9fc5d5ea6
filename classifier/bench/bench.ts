/**
 * `npm run bench -w classifier`: posts per second on one core for 300-character posts, for
 * classification and for normalization alone, measured in the same run. Figures, not assertions.
 */
import { cpus } from 'node:os';
import { Classifier, normalizeText } from '../src/index.js';
import { loadCorpus } from '../src/internal/corpus.js';

const POSTS = 20_000;
const ROUNDS = 5;

const texts = loadCorpus().entries.map((e) => e.text);
const posts: string[] = [];
for (let i = 0; posts.length < POSTS; i++) {
  let s = '';
  for (let k = 0; s.length < 300; k++) s += `${texts[(i * 7 + k) % texts.length]} `;
  posts.push(s.slice(0, 300));
}
const classifier = new Classifier();

function measure(name: string, fn: (s: string) => unknown): number {
  let sink = 0;
  for (let i = 0; i < 2000; i++) sink += String(fn(posts[i]!)).length; // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (const p of posts) sink += fn(p) ? 1 : 0;
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const rate = posts.length / best;
  console.log(
    `${name.padEnd(16)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} posts/s  (best of ${ROUNDS} × ${posts.length}, sink ${sink % 10})`,
  );
  return rate;
}

console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}, one core; ${posts.length} posts of 300 characters; model ${classifier.modelVersion}`,
);
const norm = measure('normalize', normalizeText);
const cls = measure('classify', (s) => classifier.classify(s));
console.log(`classification costs ${(norm / cls).toFixed(2)}× normalization (target ≤ 3×); target ≥ 20,000 posts/s`);
