import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function runCli(args: string[], input?: string) {
  return spawnSync('npm', ['run', '-s', 'classify', '--', ...args], { cwd: ROOT, encoding: 'utf8', input });
}

describe('classify CLI', () => {
  it('prints one JSON line per input line, reports bad lines on stderr by number and goes on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-cli-'));
    const file = join(dir, 'posts.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 'a', text: 'Phong toa toan tp tu 0h dem nay, cam ra duong' }),
        'not json',
        JSON.stringify({ id: 'b' }),
        '',
        JSON.stringify({ id: 3, text: 'Giá cà phê hôm nay tăng nhẹ' }),
      ].join('\n'),
    );
    const r = runCli([file]);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const [a, c] = lines.map((l) => JSON.parse(l));
    expect(a).toMatchObject({ id: 'a', covid: true, flagged: true });
    expect(a.score).toBeGreaterThan(0.5);
    expect(Array.isArray(a.reasons)).toBe(true);
    expect(c).toMatchObject({ id: 3, covid: false, flagged: false });
    expect(c.score).toBeLessThan(0.2);
    expect(r.stderr).toMatch(/dòng 2:/);
    expect(r.stderr).toMatch(/dòng 3:.*text/);
  });

  it('reads stdin with "-" and exits 2 without arguments', () => {
    const r = runCli(['-'], `${JSON.stringify({ id: 1, text: 'tiêm vắc xin gây vô sinh, đừng cho con đi tiêm' })}\n`);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 1, flagged: true });
    expect(runCli([]).status).toBe(2);
  });
});
