'use strict';
// Bad input and misuse: each is refused with a RegisterUsageJwtError (or a TypeError for an
// argument of the wrong type), never a WebAssembly trap. Each case prints a reliability line.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const {
  ruj, PRODUCT, publishedTestKey, validFixture, testVerifier, misuse, reliability,
} = require('./helpers.js');

const c = validFixture();
const token = c.token;
const nonce = c.request.nonce;
const key = publishedTestKey('test-only-rsa2048');

test('a valid token gives a frozen registration object', () => {
  const verifier = testVerifier();
  const registration = verifier.verify(token, 1, nonce);
  assert.equal(registration.productCode, PRODUCT);
  assert.equal(registration.keyVersion, 1);
  assert.equal(registration.nonce, nonce);
  assert.ok(Object.isFrozen(registration));
  // Bytes verify as the string does.
  assert.equal(verifier.verify(Buffer.from(token), 1, nonce).nonce, nonce);
  assert.equal(verifier.productCode, PRODUCT);
  assert.deepEqual(verifier.keyVersions, [1]);
  verifier.close();
});

test('RegisterUsageJwtError is a real Error subclass', () => {
  const verifier = testVerifier();
  assert.throws(() => verifier.verify(token, 1, 'replayed'), ruj.RegisterUsageJwtError);
  let caught;
  try { verifier.verify(token, 1, 'replayed'); } catch (e) { caught = e; }
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, 'RegisterUsageJwtError');
  assert.equal(caught.code, 'nonce_mismatch');
  assert.equal(caught.step, 'nonce');
  assert.equal(caught.kind, 'rejection');
  assert.ok(caught.stack.includes('RegisterUsageJwtError'));
  verifier.close();
});

test('the published test key is refused without the dangerous opt-in', () => {
  misuse('published test key, default constructor', 'compromised_key', () => new ruj.Verifier(PRODUCT, { 1: key }));
  // The opt-in is not reachable through the constructor's arguments.
  misuse('published test key, constructor given true as a third argument', 'compromised_key',
    () => new ruj.Verifier(PRODUCT, { 1: key }, true));
  misuse('published test key, constructor given a policy string', 'compromised_key',
    () => new ruj.Verifier(PRODUCT, { 1: key }, 'DangerouslyAllowPublishedTestKeys'));
  process.env.REGISTER_USAGE_JWT_ALLOW_TEST_KEYS = '1';
  try {
    misuse('published test key with an environment variable set', 'compromised_key', () => new ruj.Verifier(PRODUCT, { 1: key }));
  } finally {
    delete process.env.REGISTER_USAGE_JWT_ALLOW_TEST_KEYS;
  }
});

test('bad arguments to the constructor', () => {
  // With the test-key opt-in, so that the library reaches the check each case is about (the
  // production policy refuses this key first).
  const dangerous = (...args) => ruj.Verifier.dangerouslyAllowingPublishedTestKeys(...args);
  misuse('constructor: undefined product code', 'TypeError', () => new ruj.Verifier(undefined, { 1: key }));
  misuse('constructor: null product code', 'TypeError', () => new ruj.Verifier(null, { 1: key }));
  misuse('constructor: number as product code', 'TypeError', () => new ruj.Verifier(42, { 1: key }));
  misuse('constructor: product code with a lone surrogate', 'invalid_utf8', () => new ruj.Verifier('1fszvu527\ud800', { 1: key }));
  misuse('constructor: product code holding a NUL', 'invalid_product_code', () => dangerous(`${PRODUCT}\0`, { 1: key }));
  misuse('constructor: undefined keys', 'TypeError', () => new ruj.Verifier(PRODUCT, undefined));
  misuse('constructor: null keys', 'TypeError', () => new ruj.Verifier(PRODUCT, null));
  misuse('constructor: a string as keys', 'TypeError', () => new ruj.Verifier(PRODUCT, key));
  misuse('constructor: no keys', 'key_count', () => dangerous(PRODUCT, {}));
  misuse('constructor: key is a number', 'TypeError', () => new ruj.Verifier(PRODUCT, { 1: 42 }));
  misuse('constructor: key is undefined', 'TypeError', () => new ruj.Verifier(PRODUCT, new Map([[1, undefined]])));
  misuse('constructor: empty key', 'invalid_key', () => new ruj.Verifier(PRODUCT, { 1: '' }));
  misuse('constructor: key with a lone surrogate', 'invalid_utf8', () => new ruj.Verifier(PRODUCT, { 1: `${key}\udc00` }));
  misuse('constructor: key version 0', 'invalid_key_version', () => dangerous(PRODUCT, { 0: key }));
  misuse('constructor: key version -1', 'invalid_argument', () => new ruj.Verifier(PRODUCT, new Map([[-1, key]])));
  misuse('constructor: key version 1.5', 'invalid_argument', () => new ruj.Verifier(PRODUCT, new Map([[1.5, key]])));
  misuse('constructor: key version 2^32', 'invalid_argument', () => new ruj.Verifier(PRODUCT, new Map([[2 ** 32, key]])));
  misuse('constructor: key version NaN', 'invalid_argument', () => new ruj.Verifier(PRODUCT, new Map([[NaN, key]])));
  misuse('constructor: key version "one"', 'TypeError', () => new ruj.Verifier(PRODUCT, { one: key }));
  misuse('constructor: key version 1 twice (number and string)', 'duplicate_key_version',
    () => ruj.Verifier.dangerouslyAllowingPublishedTestKeys(PRODUCT, new Map([[1, key], ['1', key]])));
  misuse('constructor: pairs that are not pairs', 'TypeError', () => new ruj.Verifier(PRODUCT, [[1]]));
  const many = Array.from({ length: 1000 }, (_, i) => [i + 1, key]);
  misuse('constructor: 1000 keys', 'key_count', () => ruj.Verifier.dangerouslyAllowingPublishedTestKeys(PRODUCT, many));
});

test('bad arguments to verify', () => {
  const verifier = testVerifier();
  misuse('verify: undefined token', 'TypeError', () => verifier.verify(undefined, 1, nonce));
  misuse('verify: null token', 'TypeError', () => verifier.verify(null, 1, nonce));
  misuse('verify: number as token', 'TypeError', () => verifier.verify(12345, 1, nonce));
  misuse('verify: empty token', 'malformed_token', () => verifier.verify('', 1, nonce));
  misuse('verify: token holding a NUL', 'malformed_token', () => verifier.verify(`${token}\0`, 1, nonce));
  misuse('verify: token with a lone surrogate', 'invalid_utf8', () => verifier.verify(`${token}\ud83d`, 1, nonce));
  misuse('verify: token with a non-ASCII character', 'malformed_token', () => verifier.verify(`${token.slice(0, 10)}é${token.slice(11)}`, 1, nonce));
  misuse('verify: token bytes that are not UTF-8', null, () => verifier.verify(Buffer.concat([Buffer.from(token.slice(0, 10)), Buffer.from([0xff]), Buffer.from(token.slice(11))]), 1, nonce));
  misuse('verify: undefined key version', 'TypeError', () => verifier.verify(token, undefined, nonce));
  misuse('verify: key version as a string', 'TypeError', () => verifier.verify(token, 'one', nonce));
  misuse('verify: key version 0', 'unknown_key_version', () => verifier.verify(token, 0, nonce));
  misuse('verify: key version -1', 'invalid_argument', () => verifier.verify(token, -1, nonce));
  misuse('verify: key version 1.5', 'invalid_argument', () => verifier.verify(token, 1.5, nonce));
  misuse('verify: key version 2^32', 'invalid_argument', () => verifier.verify(token, 2 ** 32, nonce));
  misuse('verify: key version Infinity', 'invalid_argument', () => verifier.verify(token, Infinity, nonce));
  misuse('verify: key version as a BigInt', 'TypeError', () => verifier.verify(token, 1n, nonce));
  misuse('verify: undefined nonce', 'TypeError', () => verifier.verify(token, 1));
  misuse('verify: null nonce', 'TypeError', () => verifier.verify(token, 1, null));
  misuse('verify: number as nonce', 'TypeError', () => verifier.verify(token, 1, 7));
  misuse('verify: empty nonce', 'invalid_nonce', () => verifier.verify(token, 1, ''));
  misuse('verify: nonce over 255 characters', 'invalid_nonce', () => verifier.verify(token, 1, 'n'.repeat(256)));
  misuse('verify: nonce with a lone surrogate', 'invalid_utf8', () => verifier.verify(token, 1, `${nonce}\udfff`));
  misuse('verify: nonce holding a NUL (valid prefix)', 'nonce_mismatch', () => verifier.verify(token, 1, `${nonce}\0x`));

  // The size bound: at MAX_TOKEN_LEN the token is read (and refused for its shape); one byte
  // past it, it is refused for its size before anything else, as a string and as bytes.
  const at = token + 'A'.repeat(ruj.MAX_TOKEN_LEN - token.length);
  assert.equal(Buffer.byteLength(at), 8192);
  const atBound = misuse('verify: token of exactly 8192 bytes', null, () => verifier.verify(at, 1, nonce));
  assert.notEqual(atBound.code, 'token_too_large');
  misuse('verify: token of 8193 bytes', 'token_too_large', () => verifier.verify(`${at}A`, 1, nonce));
  misuse('verify: token of 8193 bytes as a Buffer', 'token_too_large', () => verifier.verify(Buffer.from(`${at}A`), 1, nonce));
  // 4096 two-byte characters: 4096 UTF-16 units but 8192 bytes, then one more byte.
  misuse('verify: 8193 UTF-8 bytes in 4097 UTF-16 units', 'token_too_large', () => verifier.verify(`${'é'.repeat(4096)}A`, 1, nonce));
  const memory = ruj.wasmMemoryBytes();
  misuse('verify: token of 64 MB', 'token_too_large', () => verifier.verify('A'.repeat(64 << 20), 1, nonce));
  assert.equal(ruj.wasmMemoryBytes(), memory, 'a refused oversized token grew the module memory');
  const error = misuse('verify: replayed nonce', 'nonce_mismatch', () => verifier.verify(token, 1, 'another nonce'));
  assert.equal(error.step, 'nonce');
  verifier.close();
});

test('use after close, and close twice', () => {
  const verifier = testVerifier();
  verifier.close();
  verifier.close();
  verifier.free();
  assert.equal(verifier.closed, true);
  misuse('verify after close', 'closed', () => verifier.verify(token, 1, nonce));
  misuse('verifyReplayableWithoutNonce after close', 'closed', () => verifier.verifyReplayableWithoutNonce(token, 1));
  misuse('productCode after close', 'closed', () => verifier.productCode);
  // After close the arguments are still checked first: the same errors as before close.
  misuse('verify after close with a bad argument', 'TypeError', () => verifier.verify(undefined, 1, nonce));
});

test('a method called on something that is not a Verifier', () => {
  const verifier = testVerifier();
  misuse('verify called with another this', 'TypeError', () => ruj.Verifier.prototype.verify.call({}, token, 1, nonce));
  misuse('verify detached from its verifier', 'TypeError', () => { const { verify } = verifier; verify(token, 1, nonce); });
  misuse('Verifier called without new', 'TypeError', () => ruj.Verifier(PRODUCT, { 1: key }));
  verifier.close();
});

test('the verifier stays usable after every refusal', () => {
  const verifier = testVerifier();
  for (const bad of ['', 'a.b.c', `${token}x`, 'A'.repeat(9000)]) {
    assert.throws(() => verifier.verify(bad, 1, nonce), ruj.RegisterUsageJwtError);
  }
  assert.equal(verifier.verify(token, 1, nonce).nonce, nonce);
  verifier.close();
  reliability('verifier after refusals', 'refused each bad token, then verified the good one: safe');
});

test('randomNonce: 32 base64url characters, fresh every call', () => {
  const seen = new Set();
  for (let i = 0; i < 1000; i++) {
    const n = ruj.randomNonce();
    assert.match(n, /^[A-Za-z0-9_-]{32}$/);
    assert.ok(!seen.has(n), `repeated nonce ${n}`);
    seen.add(n);
  }
});
