'use strict';
// register-usage-jwt for Node.js: the Rust verifier compiled to WebAssembly (generated/ is
// wasm-bindgen's output, made by bindings/js/ci.sh). This file checks argument types and
// turns the module's results into JavaScript values and errors; every check of a token or
// a key is the Rust library's.

const wasm = require('../generated/register_usage_jwt_wasm.js');

const MAX_TOKEN_LEN = wasm.maxTokenLen();
const MAX_KEYS = wasm.maxKeys();
const MAX_KEY_VERSION = 0xffffffff;
const encoder = new TextEncoder();

/**
 * Every error this package throws for a refused token, a wrong configuration or a wrong
 * call (besides TypeError for an argument of the wrong type). Whatever it is, the token was
 * not verified: do not run as paid software.
 */
class RegisterUsageJwtError extends Error {
  constructor(kind, code, message, step, options) {
    super(message, options);
    this.name = 'RegisterUsageJwtError';
    /** "rejection", "configuration" or "usage". */
    this.kind = kind;
    /** The stable code: the Rust library's Error::code() / ConfigError::code(). */
    this.code = code;
    /** The check that refused the token ("signature", "nonce", ...), or null. */
    this.step = step ?? null;
  }

  /** The token itself was refused. */
  isRejection() {
    return this.kind === 'rejection';
  }

  /** The seller's configuration (key, product code, nonce) is wrong. */
  isConfiguration() {
    return this.kind === 'configuration';
  }
}

function usageError(code, message) {
  return new RegisterUsageJwtError('usage', code, message, null);
}

// Calls into the module, turning its Failure into a RegisterUsageJwtError. Anything else the
// module throws would be a bug (a trap): it is still an error of this package, never a pass.
function call(fn) {
  let result;
  try {
    result = fn();
  } catch (thrown) {
    if (thrown instanceof wasm.Failure) {
      const error = new RegisterUsageJwtError(thrown.kind, thrown.code, thrown.message, thrown.step);
      thrown.free();
      throw error;
    }
    throw usageError('internal_error',
      `the WebAssembly module failed (${thrown}): a bug in register-usage-jwt, please report it`,
      { cause: thrown });
  }
  return result;
}

function describe(value) {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  if (typeof value === 'string') return 'a string';
  return `the ${typeof value} ${String(value).slice(0, 40)}`;
}

// A string that is valid Unicode: a lone surrogate would become U+FFFD on its way in, so the
// library would check other text than the caller's.
function text(what, value) {
  if (typeof value !== 'string') {
    throw new TypeError(`${what} must be a string, got ${describe(value)}`);
  }
  if (!value.isWellFormed()) {
    throw usageError('invalid_utf8', `${what} holds a lone UTF-16 surrogate, so it is not valid Unicode: pass the text exactly as received`);
  }
  return value;
}

function bytes(what, value) {
  if (typeof value === 'string') return encoder.encode(text(what, value));
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${what} must be a string, a Uint8Array (Buffer) or an ArrayBuffer, got ${describe(value)}`);
}

function keyVersion(what, value) {
  if (typeof value === 'string' && /^[0-9]{1,10}$/.test(value)) value = Number(value);
  if (typeof value !== 'number') {
    throw new TypeError(`${what} must be an integer from 1 to ${MAX_KEY_VERSION}, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < 0 || value > MAX_KEY_VERSION) {
    throw usageError('invalid_argument', `${what} ${value} is not an integer from 1 to ${MAX_KEY_VERSION}: pass the PublicKeyVersion AWS Marketplace gave you`);
  }
  return value;
}

// [version, key] pairs from a Map, any iterable of pairs, or a plain object.
function keyEntries(keys) {
  if (keys === null || typeof keys !== 'object') {
    throw new TypeError(`keys must be a Map or an object of key version -> public key, got ${describe(keys)}`);
  }
  if (typeof keys[Symbol.iterator] === 'function') {
    const entries = [];
    for (const entry of keys) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new TypeError('keys must be a Map, an object or pairs of [key version, public key]');
      }
      entries.push(entry);
    }
    return entries;
  }
  return Object.entries(keys);
}

// The published-test-key opt-in: a value no caller outside this file can name.
const DANGEROUSLY_ALLOW_PUBLISHED_TEST_KEYS = Symbol('dangerously allow published test keys');

const finalizer = new FinalizationRegistry((inner) => inner.free());

/** A verified registration: a plain object, frozen. */
function registration(inner) {
  try {
    const issuedAt = inner.issuedAtText === undefined ? null
      : { seconds: inner.issuedAtSeconds ?? null, text: inner.issuedAtText };
    const rotation = inner.rotationText === undefined ? null
      : { seconds: inner.rotationSeconds ?? null, text: inner.rotationText };
    return Object.freeze({
      productCode: inner.productCode,
      keyVersion: inner.keyVersion,
      nonce: inner.nonce ?? null,
      issuedAt: issuedAt && Object.freeze(issuedAt),
      publicKeyRotationTimestamp: rotation && Object.freeze(rotation),
      keyVersionExpired: rotation !== null,
    });
  } finally {
    inner.free();
  }
}

/**
 * Verifies RegisterUsage tokens for one product. Create it once at start-up; close() it
 * when done (a FinalizationRegistry frees it if you forget, but do not rely on that).
 */
class Verifier {
  #inner;

  /**
   * @param productCode your product code (not the product id)
   * @param keys key version -> the public key AWS Marketplace gave you (PEM or base64 text,
   *   or PEM or DER bytes), as a Map, an object or [version, key] pairs
   */
  constructor(productCode, keys, policy = undefined) {
    // Only dangerouslyAllowingPublishedTestKeys holds the (unexported) opt-in token.
    this.#inner = create(productCode, keys, policy === DANGEROUSLY_ALLOW_PUBLISHED_TEST_KEYS);
    finalizer.register(this, this.#inner, this);
  }

  /**
   * INSECURE, for tests and demos only: as the constructor, but also accepts
   * register-usage-jwt's own test keys, whose private keys are published, so anyone can
   * mint tokens such a verifier accepts. Never ship a program that calls it.
   */
  static dangerouslyAllowingPublishedTestKeys(productCode, keys) {
    return new Verifier(productCode, keys, DANGEROUSLY_ALLOW_PUBLISHED_TEST_KEYS);
  }

  #open() {
    if (this.#inner === undefined) {
      throw usageError('closed', 'the verifier was used after close(): create a new Verifier');
    }
    return this.#inner;
  }

  /** The product code this verifier accepts. */
  get productCode() {
    return this.#open().productCode;
  }

  /** The configured key versions, ascending. */
  get keyVersions() {
    return Array.from(this.#open().keyVersions);
  }

  /** True once close() has run. */
  get closed() {
    return this.#inner === undefined;
  }

  /**
   * Verifies `token` (the Signature of the RegisterUsage response) for the call that sent
   * `keyVersion` and `nonce` (a fresh randomNonce() per call). Returns the registration
   * only if every check passes; throws RegisterUsageJwtError otherwise.
   */
  verify(token, keyVersionSent, nonce) {
    const tokenBytes = tokenArgument(token);
    const version = keyVersion('keyVersion', keyVersionSent);
    const nonceText = text('nonce', nonce);
    const inner = this.#open();
    return registration(call(() => inner.verify(tokenBytes, version, nonceText)));
  }

  /**
   * REPLAYABLE: verifies a token from a RegisterUsage call that sent no nonce; a token
   * captured from any entitled run verifies forever. Use verify() with randomNonce().
   */
  verifyReplayableWithoutNonce(token, keyVersionSent) {
    const tokenBytes = tokenArgument(token);
    const version = keyVersion('keyVersion', keyVersionSent);
    const inner = this.#open();
    return registration(call(() => inner.verifyReplayableWithoutNonce(tokenBytes, version)));
  }

  /** Frees the verifier; later calls throw RegisterUsageJwtError "closed". Idempotent. */
  close() {
    const inner = this.#inner;
    if (inner !== undefined) {
      this.#inner = undefined;
      finalizer.unregister(this);
      inner.free();
    }
  }

  /** The same as close(). */
  free() {
    this.close();
  }

  [Symbol.dispose]() {
    this.close();
  }
}

function create(productCode, keys, allowPublishedTestKeys) {
  const code = text('productCode', productCode);
  const entries = keyEntries(keys);
  const versions = new Uint32Array(entries.length);
  const lengths = new Uint32Array(entries.length);
  const parts = entries.map(([version, key], i) => {
    versions[i] = keyVersion('key version', version);
    const data = bytes(`the key for version ${version}`, key);
    lengths[i] = data.byteLength;
    return data;
  });
  const data = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.byteLength;
  }
  return call(() => wasm.WasmVerifier.create(code, versions, lengths, data, allowPublishedTestKeys));
}

// The token as bytes. A string longer than the bound is refused (with the library's error)
// before it is copied into the module's memory, which never shrinks.
function tokenArgument(token) {
  if (typeof token === 'string') {
    text('token', token);
    const len = Buffer.byteLength(token, 'utf8');
    const tooLarge = wasm.tokenTooLarge(len);
    if (tooLarge !== undefined) {
      call(() => { throw tooLarge; });
    }
    return encoder.encode(token);
  }
  const data = bytes('token', token);
  const tooLarge = wasm.tokenTooLarge(data.byteLength);
  if (tooLarge !== undefined) {
    call(() => { throw tooLarge; });
  }
  return data;
}

/**
 * A fresh random nonce for one RegisterUsage call: 192 bits from the platform's
 * cryptographic source (crypto.getRandomValues), as 32 base64url characters. Never reuse one.
 */
function randomNonce() {
  const random = new Uint8Array(24);
  try {
    const source = globalThis.crypto ?? require('node:crypto').webcrypto;
    source.getRandomValues(random);
  } catch (cause) {
    throw new RegisterUsageJwtError('configuration', 'no_randomness',
      `the platform's cryptographic random source failed (${cause}): do not send a nonce you made up`, null, { cause });
  }
  return Buffer.from(random).toString('base64url');
}

/** Bytes of WebAssembly memory the module holds now (it grows, never shrinks): for leak checks. */
function wasmMemoryBytes() {
  return wasm.memoryBytes();
}

module.exports = {
  Verifier,
  RegisterUsageJwtError,
  randomNonce,
  wasmMemoryBytes,
  MAX_TOKEN_LEN,
  MAX_KEYS,
};
