import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../src/index.js';

// The seed documents are official plans and directives about fighting fake news: full of
// "tin giả", "sai sự thật", "phong tỏa". None of their paragraphs may be flagged.
const SEEDS = resolve(import.meta.dirname, '../../../shared/seeds');

describe('seed documents', () => {
  it('are present beside the repository', () => {
    expect(existsSync(SEEDS), `expected the seed documents at ${SEEDS}`).toBe(true);
  });

  it('have no paragraph flagged', () => {
    const flagged: string[] = [];
    let paragraphs = 0;
    for (const file of readdirSync(SEEDS)) {
      for (const para of readFileSync(join(SEEDS, file), 'utf8').split(/\n\s*\n/)) {
        if (para.trim().length < 20) continue;
        paragraphs++;
        if (classify(para).flagged) flagged.push(`${file}: ${para.slice(0, 120)}`);
      }
    }
    expect(paragraphs).toBeGreaterThan(300);
    expect(flagged).toEqual([]);
  });
});
