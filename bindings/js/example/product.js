'use strict';
// The product this program is: its product code and the public key AWS Marketplace gave
// for each key version, bundled in the program's code. Nothing in the environment,
// arguments or files at run time names the key, the product or the policy.
//
// This is the example product's real key (the one examples/startup embeds). Replace both
// with yours: the Marketplace Management Portal, or `register-usage-jwt key fetch`.

const PRODUCT_CODE = '1fszvu527waovqeuhpkyx2b5d';
const PUBLIC_KEY_VERSION = 1;
const PRODUCT_KEYS = new Map([
  [1, `-----BEGIN PUBLIC KEY-----
MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEAyu7Xq7XTBRgFWCL+DXj8
Xyc/fPLWNQ1adPDf8zqkJ1H1JCTg6fUo7HUvNu0BAbPwIME4aDEzteJkhPq9IzS8
HlrZT/7DqSPV9bXnR9OkqugfbFPyHGyd9afHyfDJfGwfqBP5r8oBuGwmCw5Ia088
AcePfkVEisAo+8KiBAE16bqvDw0v5YzDrDVpHH9YdK1q9eG5WRTt0h7lYFj8dydr
h+OyONGyWTkAWbs3JpsQLZgRdU6Klj5aZzO6FeUc2kOz2Hs+QvKgbNSpgV0000KK
2on4L1+WJau7sj8EFquFdk2C0MhucIy6ceWXGB3YAOb8c0H9FT0eSY5rtX154otW
jmV9vMLLX1gajtQD0iOLBLRQ3WliP7fGc6o3StjMrbKh+ErXGVzzJnjK2eQhgkg/
/DgcKjUptZ21gdbqbQBGwvfitBEJX7VCwF4VMhFM8JQiAxCVBZ7kkY5ZlGjvN2gO
AMFKarvAWRwrZisxKWe+RFBU1EI5WS75X7owU/IehIabAgMBAAE=
-----END PUBLIC KEY-----
`],
]);

module.exports = { PRODUCT_CODE, PUBLIC_KEY_VERSION, PRODUCT_KEYS };
