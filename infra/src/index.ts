export { ConfigError, ConfigSchema, type KcConfig, loadConfig } from './config.js';
export { type CrawlRound, DEMO_USERS, KcRuntime } from './runtime.js';
export { closeStores, openEmbeddedStores, openStores, type Stores, storeOptions } from './stores.js';
