'use strict';
// The seller's paid program, as shipped: the RegisterUsage check runs INSIDE it, first
// thing in main, before any paid work. An entrypoint script, init container or sidecar that
// checks and then starts the program is skipped by anyone who overrides the container's
// command; a check inside the program is not.
//
//   REGISTER_USAGE_ENDPOINT=http://127.0.0.1:PORT node main.js     # against the emulator

const { Verifier } = require('register-usage-jwt');
const { entitleOrExit } = require('./entitlement.js');
const { PRODUCT_CODE, PUBLIC_KEY_VERSION, PRODUCT_KEYS } = require('./product.js');

async function main() {
  // 1. The check, before anything else. Any failure ends the program (exit status 1).
  await entitleOrExit(() => new Verifier(PRODUCT_CODE, PRODUCT_KEYS), PRODUCT_CODE, PUBLIC_KEY_VERSION);
  // 2. Only now: the paid work.
  console.log('entitled: starting the paid workload');
}

main();
