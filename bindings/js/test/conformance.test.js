'use strict';
// The one conformance corpus (tests/fixtures/conformance.json, written by
// tests/fixtures/generate_conformance.py): every interop fixture and a case for every
// rejection and configuration code, the same file every binding runs.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { ruj, readRepo, fixtures } = require('./helpers.js');

const corpus = JSON.parse(readRepo('tests', 'fixtures', 'conformance.json').toString('utf8'));

// The codes the package's types name (lib/index.d.ts), by kind: the corpus listing one this
// package does not (or the reverse) fails.
const JS_CODES = {
  rejection: ['token_too_large', 'malformed_token', 'malformed_header', 'unsupported_algorithm',
    'unsupported_header', 'unknown_key_version', 'bad_signature', 'malformed_claims',
    'key_version_mismatch', 'product_code_mismatch', 'nonce_mismatch', 'nonce_missing',
    'unexpected_nonce'],
  configuration: ['invalid_key', 'weak_key', 'compromised_key', 'invalid_product_code',
    'invalid_nonce', 'invalid_key_version', 'duplicate_key_version', 'key_count'],
};

test('the corpus is format 1 and names the codes this package names', () => {
  assert.equal(corpus.format, 1);
  assert.deepEqual([...corpus.codes.rejection].sort(), [...JS_CODES.rejection].sort());
  assert.deepEqual([...corpus.codes.configuration].sort(), [...JS_CODES.configuration].sort());
  const types = require('node:fs').readFileSync(require('node:path').join(require('node:path').dirname(require.resolve('register-usage-jwt')), 'index.d.ts'), 'utf8');
  for (const code of [...JS_CODES.rejection, ...JS_CODES.configuration]) {
    assert.match(types, new RegExp(`'${code}'`), `${code} is missing from index.d.ts`);
  }
});

test('every interop fixture is in the corpus with the same verdict', () => {
  const interop = new Map(fixtures().map((f) => [f.name, f.expect]));
  const fromFixtures = corpus.cases.filter((c) => c.source === 'tokens.json');
  assert.equal(fromFixtures.length, interop.size, 'run tests/fixtures/generate_conformance.py');
  for (const c of fromFixtures) assert.equal(c.expect, interop.get(c.name), c.name);
});

const covered = new Set();

function keysOf(c) {
  // Pairs, not a Map: the corpus's duplicate-key-version case needs one version twice, which
  // the package passes on to the library (an object or a Map cannot hold it).
  return c.keys.map((k) => {
    if (k.file != null) return [k.version, readRepo(...k.file.split('/'))];
    if (k.text != null) return [k.version, k.text];
    throw new Error('a key with neither file nor text');
  });
}

test('conformance corpus', async (t) => {
  for (const c of corpus.cases) {
    await t.test(c.name, () => {
      for (const need of c.requires ?? []) {
        assert.equal(need, 'duplicate_key_versions', `unknown requirement ${need}`);
      }
      const keys = keysOf(c);
      let error;
      try {
        const verifier = c.allow_published_test_keys
          ? ruj.Verifier.dangerouslyAllowingPublishedTestKeys(c.product_code, keys)
          : new ruj.Verifier(c.product_code, keys);
        try {
          if (c.verify !== null) {
            const registration = c.verify.nonce === null
              ? verifier.verifyReplayableWithoutNonce(c.verify.token, c.verify.key_version)
              : verifier.verify(c.verify.token, c.verify.key_version, c.verify.nonce);
            assert.equal(registration.productCode, c.claims.product_code);
            assert.equal(registration.keyVersion, c.claims.key_version);
            assert.equal(registration.nonce, c.claims.nonce);
          }
        } finally {
          verifier.close();
        }
      } catch (thrown) {
        if (thrown instanceof assert.AssertionError) throw thrown;
        error = thrown;
      }
      if (c.expect === 'valid') {
        assert.equal(error, undefined, `want valid, got ${error}`);
        return;
      }
      assert.ok(error instanceof ruj.RegisterUsageJwtError, `want ${c.expect}, got ${error}`);
      assert.equal(error.code, c.expect, error.message);
      assert.equal(error.kind, c.kind);
      assert.ok(error.message.length > 0);
      if (c.kind === 'rejection') assert.equal(typeof error.step, 'string');
      else assert.equal(error.step, null);
      covered.add(c.expect);
    });
  }
  for (const code of [...corpus.codes.rejection, ...corpus.codes.configuration]) {
    assert.ok(covered.has(code), `no passing case for ${code}`);
  }
});
