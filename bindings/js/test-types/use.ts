// Compiled with `tsc --noEmit --strict` against the installed package (bindings/js/ci.sh):
// the types of lib/index.d.ts describe the 10-line use, and refuse what the API refuses.
import { Verifier, RegisterUsageJwtError, randomNonce, type Registration, type ErrorCode } from 'register-usage-jwt';

declare const productKeyPem: string;
declare const signature: string;

const verifier = new Verifier('1fszvu527waovqeuhpkyx2b5d', { 1: productKeyPem });
const fromMap = new Verifier('1fszvu527waovqeuhpkyx2b5d', new Map([[1, new Uint8Array(0)]]));
const nonce: string = randomNonce();
try {
  const registration: Registration = verifier.verify(signature, 1, nonce);
  const expired: boolean = registration.keyVersionExpired;
  const seconds: number | null | undefined = registration.issuedAt?.seconds;
  void expired;
  void seconds;
} catch (error) {
  if (error instanceof RegisterUsageJwtError) {
    const code: ErrorCode | string = error.code;
    const step: string | null = error.step;
    void code;
    void step;
  }
} finally {
  verifier.close();
  fromMap.free();
}

// @ts-expect-error the key version is a number
verifier.verify(signature, '1', nonce);
// @ts-expect-error the nonce is required
verifier.verify(signature, 1);
// @ts-expect-error there is no policy argument: the opt-in is only the dangerously-named factory
new Verifier('1fszvu527waovqeuhpkyx2b5d', { 1: productKeyPem }, true);
const demo: Verifier = Verifier.dangerouslyAllowingPublishedTestKeys('1fszvu527waovqeuhpkyx2b5d', { 1: productKeyPem });
demo.close();
