'use strict';
// The RegisterUsage check: one call to AWS Marketplace Metering with a fresh nonce, the
// answer verified with the bundled key. Used by main.js (as shipped) and by
// main_demo_TEST_ONLY.js (a demo that trusts a published test key).

const {
  MarketplaceMeteringClient,
  RegisterUsageCommand,
} = require('@aws-sdk/client-marketplace-metering');
const { randomNonce, RegisterUsageJwtError } = require('register-usage-jwt');

// The whole check, retries included, ends within this deadline (changed here, in code,
// never from the environment).
const DEADLINE_MS = 30_000;
const ATTEMPT_TIMEOUT_MS = 8_000;
const MAX_ATTEMPTS = 5;
// Only these are worth another attempt; every other error (not entitled, invalid product
// code, a forged token ...) stops at once.
const RETRIED = new Set(['ThrottlingException', 'InternalServiceErrorException']);

class NotEntitled extends Error {}

function log(message) {
  process.stderr.write(`register-usage: ${message}\n`);
}

// REGISTER_USAGE_ENDPOINT: where RegisterUsage is called (for the emulator). Whoever sets it
// (or AWS_ENDPOINT_URL*, proxies, CA bundles) can deny the program a token, never make it
// accept a forged one: the token must be signed with the bundled key.
function endpoint() {
  const value = process.env.REGISTER_USAGE_ENDPOINT;
  if (value === undefined) return undefined;
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new NotEntitled(`REGISTER_USAGE_ENDPOINT is not a URL: ${JSON.stringify(value.slice(0, 200))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NotEntitled(`REGISTER_USAGE_ENDPOINT must be an http(s) URL, got ${url.protocol}`);
  }
  return url.href;
}

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
});

// One RegisterUsage exchange, retried only on throttling and internal errors.
async function registerUsage(client, productCode, keyVersion, signal) {
  for (let attempt = 1; ; attempt++) {
    const nonce = randomNonce(); // fresh per call: a captured token answers one call only
    try {
      const response = await client.send(new RegisterUsageCommand({
        ProductCode: productCode,
        PublicKeyVersion: keyVersion,
        Nonce: nonce,
      }), { abortSignal: signal });
      if (typeof response.Signature !== 'string') {
        throw new NotEntitled('RegisterUsage answered without a Signature');
      }
      return { token: response.Signature, nonce };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const name = error?.name ?? 'Error';
      if (!RETRIED.has(name)) {
        throw new NotEntitled(`RegisterUsage failed: ${name}: ${error?.message ?? error} (attempt ${attempt} of ${MAX_ATTEMPTS}, not retried)`);
      }
      if (attempt === MAX_ATTEMPTS) {
        throw new NotEntitled(`RegisterUsage failed: ${name} at attempt ${attempt} of ${MAX_ATTEMPTS}: giving up`);
      }
      const backoff = Math.min(2_000, 100 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      log(`${name} at attempt ${attempt} of ${MAX_ATTEMPTS}: retrying in ${Math.round(backoff)} ms`);
      await sleep(backoff, signal);
    }
  }
}

// Resolves with the registration when this program is entitled; rejects otherwise.
async function checkEntitlement(verifier, productCode, keyVersion) {
  const controller = new AbortController();
  const started = Date.now();
  let waitingFor = 'RegisterUsage';
  const deadline = setTimeout(() => controller.abort(
    new NotEntitled(`no entitlement within ${DEADLINE_MS / 1000} s: still waiting for ${waitingFor}`)), DEADLINE_MS);
  const progress = setInterval(() => log(`still waiting for ${waitingFor} (${Math.round((Date.now() - started) / 1000)} s)`), 5_000);
  const timedOut = new Promise((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
  try {
    const client = new MarketplaceMeteringClient({
      endpoint: endpoint(),
      // No SDK retries at all: the loop above retries exactly what it should, and
      // AWS_MAX_ATTEMPTS / AWS_RETRY_MODE in the environment change nothing.
      maxAttempts: 1,
      requestHandler: { requestTimeout: ATTEMPT_TIMEOUT_MS, connectionTimeout: ATTEMPT_TIMEOUT_MS },
    });
    // The race: the SDK's configuration loading (credentials, region) is under the deadline too.
    const { token, nonce } = await Promise.race([
      registerUsage(client, productCode, keyVersion, controller.signal), timedOut]);
    waitingFor = 'the verification';
    const registration = verifier.verify(token, keyVersion, nonce);
    if (registration.keyVersionExpired) {
      log(`WARNING: KEY ROTATION: key version ${keyVersion} expired at ${registration.publicKeyRotationTimestamp.text}: ship the new key version`);
    }
    return registration;
  } catch (error) {
    if (error instanceof RegisterUsageJwtError && error.isRejection()) {
      throw new NotEntitled(`RegisterUsage token refused (${error.code}): ${error.message}`);
    }
    throw error;
  } finally {
    clearTimeout(deadline);
    clearInterval(progress);
  }
}

// main's first statement: exits 1 (and never returns) unless entitled.
async function entitleOrExit(makeVerifier, productCode, keyVersion) {
  let verifier;
  try {
    verifier = makeVerifier();
    return await checkEntitlement(verifier, productCode, keyVersion);
  } catch (error) {
    const what = error instanceof RegisterUsageJwtError ? `licence check misconfigured (${error.code}): ${error.message}` : String(error?.message ?? error);
    log(`NOT STARTING: ${what}`);
    // Exit now: a pending socket or timer of the SDK must not keep the process alive.
    process.exit(1);
  } finally {
    verifier?.close();
  }
}

module.exports = { entitleOrExit, checkEntitlement, DEADLINE_MS, MAX_ATTEMPTS };
