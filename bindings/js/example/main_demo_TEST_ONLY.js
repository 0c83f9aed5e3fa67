'use strict';
// DEMO, INSECURE: main.js with register-usage-jwt's published TEST ONLY key
// (keys/test-only-rsa2048), whose private key is in the repository, so that it can run
// against `register-usage-jwt emulate`. Anyone can mint tokens this program accepts: never
// ship it.

const fs = require('node:fs');
const path = require('node:path');
const { Verifier } = require('register-usage-jwt');
const { entitleOrExit } = require('./entitlement.js');
const { PRODUCT_CODE, PUBLIC_KEY_VERSION } = require('./product.js');

// bindings/js/ci.sh places keys/test-only-rsa2048.pub.pem here as demo_product_key_TEST_ONLY.pem.
const TEST_KEY = fs.readFileSync(path.join(__dirname, 'demo_product_key_TEST_ONLY.pem'), 'utf8');

async function main() {
  await entitleOrExit(() => Verifier.dangerouslyAllowingPublishedTestKeys(PRODUCT_CODE,
    new Map([[PUBLIC_KEY_VERSION, TEST_KEY]])), PRODUCT_CODE, PUBLIC_KEY_VERSION);
  console.log('entitled: starting the paid workload');
}

main();
