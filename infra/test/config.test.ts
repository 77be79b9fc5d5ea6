import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configurationReference, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('docs/CONFIGURATION.md is the reference generated from the schema', () => {
    const file = readFileSync(new URL('../../docs/CONFIGURATION.md', import.meta.url), 'utf8');
    expect(file).toBe(configurationReference());
  });

  it('names every invalid setting at once', () => {
    try {
      loadConfig({ PORT: 'abc', KC_LOG_LEVEL: 'loud', KC_SESSION_TTL_HOURS: '-1' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const name of ['PORT', 'KC_LOG_LEVEL', 'KC_SESSION_TTL_HOURS']) expect(msg).toContain(name);
    }
    expect(() => loadConfig({ KC_BUS: 'kafka' })).toThrow(/KAFKA_BROKERS/);
    expect(loadConfig({}).PORT).toBe(3000);
  });
  it('reads KC_CONFIG_FILE (the environment wins) and names every bad line of it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-config-'));
    const file = join(dir, 'kc.env');
    writeFileSync(
      file,
      ['# Thanh tra Sở TT&TT', 'PORT=4000', 'KC_ORG_NAME="Sở TT&TT tỉnh Gia Lai"', '', "KC_PROVINCE='Gia Lai'"].join(
        '\n',
      ),
    );
    const c = loadConfig({ KC_CONFIG_FILE: file, KC_PROVINCE: 'Kon Tum' });
    expect(c.PORT).toBe(4000);
    expect(c.KC_ORG_NAME).toBe('Sở TT&TT tỉnh Gia Lai');
    expect(c.KC_PROVINCE).toBe('Kon Tum');
    writeFileSync(file, 'PORT=abc\nKC_COLOUR=red\nnot a setting\n');
    expect(() => loadConfig({ KC_CONFIG_FILE: file })).toThrow(
      /kc\.env:2: KC_COLOUR is not a setting[\s\S]*kc\.env:3: not KEY=value/,
    );
    writeFileSync(file, 'PORT=abc\n');
    expect(() => loadConfig({ KC_CONFIG_FILE: file })).toThrow(/PORT/);
    expect(() => loadConfig({ KC_CONFIG_FILE: join(dir, 'missing.env') })).toThrow(ConfigError);
  });
});
