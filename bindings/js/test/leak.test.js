'use strict';
// No leak: create/verify/close rounds, watching the module's WebAssembly memory (which grows
// and never shrinks, so a leak in it shows as growth) and the process's RSS. Bounded rounds,
// generous bounds, no timings.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { ruj, PRODUCT, publishedTestKey, validFixture } = require('./helpers.js');

function rssKiB() {
  return Math.round(process.memoryUsage.rss() / 1024);
}

test('create/verify/close loop: wasm memory and RSS stay flat', () => {
  const c = validFixture();
  const key = publishedTestKey('test-only-rsa2048');
  const round = (n) => {
    for (let i = 0; i < n; i++) {
      const verifier = ruj.Verifier.dangerouslyAllowingPublishedTestKeys(PRODUCT, { 1: key });
      assert.equal(verifier.verify(c.token, 1, c.request.nonce).keyVersion, 1);
      assert.throws(() => verifier.verify(c.token, 1, 'replayed'), { code: 'nonce_mismatch' });
      assert.throws(() => new ruj.Verifier(PRODUCT, { 1: key }), { code: 'compromised_key' });
      assert.throws(() => verifier.verify('A'.repeat(9000), 1, c.request.nonce), { code: 'token_too_large' });
      verifier.close();
    }
    if (global.gc) global.gc();
  };
  round(300); // warm up: the allocator's first arenas
  const windows = 5;
  const n = 300;
  const wasm = [ruj.wasmMemoryBytes()];
  const rss = [rssKiB()];
  for (let w = 0; w < windows; w++) {
    round(n);
    wasm.push(ruj.wasmMemoryBytes());
    rss.push(rssKiB());
  }
  const summary = `wasm memory (bytes) after every ${n} rounds: ${wasm.join(' ')}; RSS (KiB): ${rss.join(' ')}`;
  console.log(summary);
  if (process.env.LEAK_LOG) fs.appendFileSync(process.env.LEAK_LOG, `${summary}\n`);
  // One leaked verifier (a parsed key, over 1 KiB) per round would grow the wasm memory by
  // more than 1.5 MiB here (in 64 KiB pages); allow 4 pages of the allocator's settling.
  assert.ok(wasm[windows] - wasm[0] <= 256 * 1024, `the module's memory grew: ${summary}`);
  // RSS is noisier (V8's heap): a generous 32 MiB over 1500 rounds.
  assert.ok(rss[windows] - rss[1] < 32 * 1024, `RSS grew: ${summary}`);
});

test('forgotten verifiers are freed by the FinalizationRegistry', { skip: !global.gc && 'needs node --expose-gc' }, async () => {
  const key = publishedTestKey('test-only-rsa2048');
  const make = (n) => {
    for (let i = 0; i < n; i++) ruj.Verifier.dangerouslyAllowingPublishedTestKeys(PRODUCT, { 1: key });
  };
  const settle = async () => {
    for (let i = 0; i < 10; i++) {
      global.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  make(200);
  await settle();
  const before = ruj.wasmMemoryBytes();
  for (let w = 0; w < 5; w++) {
    make(200);
    await settle();
  }
  const after = ruj.wasmMemoryBytes();
  console.log(`wasm memory before and after 1000 forgotten verifiers: ${before} ${after}`);
  // 1000 verifiers kept would hold over 1 MiB of the module's memory.
  assert.ok(after - before <= 256 * 1024, 'forgotten verifiers were not freed');
});
