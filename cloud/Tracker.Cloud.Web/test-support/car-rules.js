// The car rules for tests: those of the car-state corpus, which the C# side writes from the rules its
// ingest and API apply (cloud/Tracker.Cloud.Core/Cars/CarRules.cs) and holds to them.

import { readFileSync } from 'node:fs';
import { readCarRules } from '../src/carrules.js';

/** The corpus (test/fixtures/car-state-corpus.json), parsed. */
export const CORPUS = JSON.parse(readFileSync(new URL('../test/fixtures/car-state-corpus.json', import.meta.url), 'utf8'));

/** The rules as config.json carries them. */
export const RULES_JSON = CORPUS.rules;

/** The rules as the app reads them. */
export const RULES = readCarRules(RULES_JSON);
