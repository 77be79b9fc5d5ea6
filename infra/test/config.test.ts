import { readFileSync } from 'node:fs';
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
});
