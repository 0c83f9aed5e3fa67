'use strict';
// Every interop fixture (tests/fixtures/tokens.json) with its claims: the registration
// object carries what the token says.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { ruj, publishedTestKey, fixtures } = require('./helpers.js');

// A fixture's time claim: null (absent), a number of seconds, or {"other": true}.
function checkTime(what, got, want) {
  if (want === null || want === undefined) {
    assert.equal(got, null, what);
  } else if (typeof want === 'object') {
    assert.notEqual(got, null, what);
    assert.equal(got.seconds, null, what);
    assert.ok(got.text.length > 0, what);
  } else {
    assert.notEqual(got, null, what);
    assert.equal(got.seconds, want, what);
  }
}

test('interop fixtures', async (t) => {
  const cases = fixtures();
  assert.ok(cases.length >= 150, `only ${cases.length} fixtures`);
  for (const c of cases) {
    await t.test(c.name, () => {
      const version = c.configured_version ?? c.request.key_version;
      const verifier = ruj.Verifier.dangerouslyAllowingPublishedTestKeys(c.request.product_code,
        new Map([[version, publishedTestKey(c.key)]]));
      try {
        const run = () => (c.request.nonce === null
          ? verifier.verifyReplayableWithoutNonce(c.token, c.request.key_version)
          : verifier.verify(c.token, c.request.key_version, c.request.nonce));
        if (c.expect !== 'valid') {
          assert.throws(run, (e) => e instanceof ruj.RegisterUsageJwtError && e.code === c.expect &&
            e.kind === 'rejection' && e.isRejection() && e.message.length > 0);
          return;
        }
        const registration = run();
        assert.ok(Object.isFrozen(registration));
        assert.equal(registration.productCode, c.claims.product_code);
        assert.equal(registration.keyVersion, c.claims.key_version);
        assert.equal(registration.nonce, c.claims.nonce ?? null);
        checkTime('issuedAt', registration.issuedAt, c.claims.issued_at);
        checkTime('rotation', registration.publicKeyRotationTimestamp, c.claims.rotation);
        assert.equal(registration.keyVersionExpired, registration.publicKeyRotationTimestamp !== null);
      } finally {
        verifier.close();
      }
    });
  }
});
