import type { StrategyOverlay } from '../strategy.js';
import { DEFAULTS } from './defaults.js';

/**
 * Defaulting and validation of the built-in types, per resource (`group/resource`), as
 * upstream's SetDefaults_* functions and validation packages. The registry merges these
 * over its base behaviour (src/apiserver/registry/behaviours.ts).
 */
export const BUILTIN_STRATEGIES: StrategyOverlay[] = [DEFAULTS];
