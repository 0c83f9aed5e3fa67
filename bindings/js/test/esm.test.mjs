// The package imported as an ES module, as a TypeScript or ESM seller imports it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Verifier, RegisterUsageJwtError, randomNonce, MAX_TOKEN_LEN } from 'register-usage-jwt';

test('named ES module imports', () => {
  assert.equal(typeof Verifier, 'function');
  assert.equal(MAX_TOKEN_LEN, 8192);
  assert.match(randomNonce(), /^[A-Za-z0-9_-]{32}$/);
  assert.throws(() => new Verifier('1fszvu527waovqeuhpkyx2b5d', { 1: 'not a key' }),
    (e) => e instanceof RegisterUsageJwtError && e.code === 'invalid_key' && e.kind === 'configuration');
});
