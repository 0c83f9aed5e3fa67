'use strict';
// Shared by the tests. They run from a fresh directory where the packed tarball is
// installed (bindings/js/ci.sh), so `require('register-usage-jwt')` is the package a seller
// gets; REGISTER_USAGE_JWT_REPO names the repository for its fixtures and keys.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ruj = require('register-usage-jwt');

const repo = process.env.REGISTER_USAGE_JWT_REPO;
if (!repo) throw new Error('set REGISTER_USAGE_JWT_REPO to the repository root (bindings/js/ci.sh does)');
if (require.resolve('register-usage-jwt').startsWith(path.join(repo, 'bindings'))) {
  throw new Error('the package resolved from the source tree: run the tests where the tarball is installed');
}

const PRODUCT = '1fszvu527waovqeuhpkyx2b5d';

function readRepo(...parts) {
  return fs.readFileSync(path.join(repo, ...parts));
}

function publishedTestKey(stem) {
  return readRepo('keys', `${stem}.pub.pem`).toString('utf8');
}

function fixtures() {
  return JSON.parse(readRepo('tests', 'fixtures', 'tokens.json').toString('utf8')).cases;
}

// The first valid fixture for PRODUCT, key version 1, with a nonce.
function validFixture() {
  const c = fixtures().find((f) => f.expect === 'valid' && f.key === 'test-only-rsa2048' &&
    f.request.product_code === PRODUCT && f.request.key_version === 1 && f.request.nonce);
  assert.ok(c, 'no valid fixture');
  return c;
}

function testVerifier() {
  return ruj.Verifier.dangerouslyAllowingPublishedTestKeys(PRODUCT, { 1: publishedTestKey('test-only-rsa2048') });
}

// The line scripts/reliability.sh counts: "reliability: js<TAB>CASE<TAB>OUTCOME", appended
// to $RELIABILITY_LOG (ci.sh prints it; the test runner's own output would wrap it).
function reliability(name, outcome) {
  const flat = (s) => String(s).split(/\s+/).filter(Boolean).join(' ');
  const line = `reliability: js\t${flat(name)}\t${flat(outcome)}\n`;
  if (process.env.RELIABILITY_LOG) fs.appendFileSync(process.env.RELIABILITY_LOG, line);
  else process.stdout.write(line);
}

// A misuse case: `fn` must throw a RegisterUsageJwtError with `code` (any code when null),
// or a TypeError when `code` is 'TypeError'. Prints the case's reliability line.
function misuse(name, code, fn) {
  let thrown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) {
    reliability(name, 'accepted');
    assert.fail(`${name}: accepted, want ${code}`);
  }
  if (thrown instanceof TypeError) {
    reliability(name, `refused TypeError: ${thrown.message}`);
    assert.equal(code, 'TypeError', `${name}: ${thrown}`);
    assert.ok(thrown.message.length > 0);
    return thrown;
  }
  if (!(thrown instanceof ruj.RegisterUsageJwtError)) {
    reliability(name, `refused untyped: ${thrown}`);
    assert.fail(`${name}: ${thrown} is not a RegisterUsageJwtError`);
  }
  reliability(name, `refused ${thrown.code}: ${thrown.message}`);
  assert.ok(thrown instanceof Error);
  assert.ok(thrown.message.length > 0);
  assert.doesNotMatch(thrown.message, /unreachable|RuntimeError/);
  assert.notEqual(thrown.code, 'internal_error', `${name}: ${thrown.message}`);
  if (code !== null) assert.equal(thrown.code, code, `${name}: ${thrown.message}`);
  return thrown;
}

module.exports = {
  ruj, repo, PRODUCT, readRepo, publishedTestKey, fixtures, validFixture, testVerifier, reliability, misuse,
};
