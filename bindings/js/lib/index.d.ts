// Types of the register-usage-jwt npm package (lib/index.js).

/** A public key: PEM or base64 text, or PEM or DER bytes (SubjectPublicKeyInfo or PKCS#1). */
export type KeyData = string | Uint8Array | ArrayBuffer;

/** Key version (1 to 4294967295) -> the public key AWS Marketplace gave you for it. */
export type Keys =
  | ReadonlyMap<number, KeyData>
  | Readonly<Record<number, KeyData>>
  | Iterable<readonly [number, KeyData]>;

/** The rejection codes: the Rust library's `Error::code()`. */
export type RejectionCode =
  | 'token_too_large' | 'malformed_token' | 'malformed_header' | 'unsupported_algorithm'
  | 'unsupported_header' | 'unknown_key_version' | 'bad_signature' | 'malformed_claims'
  | 'key_version_mismatch' | 'product_code_mismatch' | 'nonce_mismatch' | 'nonce_missing'
  | 'unexpected_nonce';

/** The configuration codes: the Rust library's `ConfigError::code()`. */
export type ConfigurationCode =
  | 'invalid_key' | 'weak_key' | 'compromised_key' | 'invalid_product_code' | 'invalid_nonce'
  | 'invalid_key_version' | 'duplicate_key_version' | 'key_count' | 'no_randomness';

/** A wrong call (this package's own codes, as the C ABI's and the Go package's). */
export type UsageCode = 'invalid_argument' | 'invalid_utf8' | 'closed' | 'internal_error';

export type ErrorCode = RejectionCode | ConfigurationCode | UsageCode;

/** The check that refused a token. */
export type Step =
  | 'size' | 'shape' | 'header' | 'key version' | 'signature' | 'claims' | 'product code'
  | 'claim key version' | 'nonce';

/**
 * Every error of this package (besides TypeError for an argument of the wrong type).
 * Whatever it is, the token was not verified: do not run as paid software.
 */
export class RegisterUsageJwtError extends Error {
  readonly name: 'RegisterUsageJwtError';
  /** The token was refused, the seller's configuration is wrong, or the call is. */
  readonly kind: 'rejection' | 'configuration' | 'usage';
  /** Stable: the same string as the Rust library's `Error::code()` / `ConfigError::code()`. */
  readonly code: ErrorCode | (string & {});
  /** The check that refused the token; null unless `kind` is "rejection". */
  readonly step: Step | null;
  isRejection(): boolean;
  isConfiguration(): boolean;
}

/** A time claim of a verified token. */
export interface TimeClaim {
  /** Seconds since the epoch when the claim is a NumericDate, else null. */
  readonly seconds: number | null;
  /** The claim as the token writes it. */
  readonly text: string;
}

/** A verified RegisterUsage registration (frozen). */
export interface Registration {
  readonly productCode: string;
  readonly keyVersion: number;
  /** The nonce sent; null only from verifyReplayableWithoutNonce. */
  readonly nonce: string | null;
  /** `iat`, when present. */
  readonly issuedAt: TimeClaim | null;
  /** Present only when the key version used has expired: ship the new key version. */
  readonly publicKeyRotationTimestamp: TimeClaim | null;
  readonly keyVersionExpired: boolean;
}

/** Verifies RegisterUsage tokens for one product. */
export class Verifier {
  /**
   * Refuses keys under 2048 bits and keys whose private half is public
   * (RegisterUsageJwtError of kind "configuration").
   */
  constructor(productCode: string, keys: Keys);
  /**
   * INSECURE, for tests and demos only: also accepts register-usage-jwt's own test keys,
   * whose private keys are published. Never ship a program that calls it.
   */
  static dangerouslyAllowingPublishedTestKeys(productCode: string, keys: Keys): Verifier;
  readonly productCode: string;
  readonly keyVersions: number[];
  readonly closed: boolean;
  /** Throws RegisterUsageJwtError unless every check passes. */
  verify(token: string | Uint8Array, keyVersion: number, nonce: string): Registration;
  /** REPLAYABLE: for a RegisterUsage call that sent no nonce. Prefer verify(). */
  verifyReplayableWithoutNonce(token: string | Uint8Array, keyVersion: number): Registration;
  /** Frees the verifier; idempotent. Later calls throw code "closed". */
  close(): void;
  free(): void;
  [Symbol.dispose](): void;
}

/** A fresh 192-bit nonce (32 base64url characters) from the platform's cryptographic source. */
export function randomNonce(): string;

/** Bytes of WebAssembly memory the module holds (it never shrinks): for leak checks. */
export function wasmMemoryBytes(): number;

/** The longest token accepted, in bytes. */
export const MAX_TOKEN_LEN: number;
/** The most key versions one Verifier takes. */
export const MAX_KEYS: number;
