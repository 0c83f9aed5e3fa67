/*
 * DEMO ONLY: keys/test-only-rsa2048.pub.pem, one of register-usage-jwt's TEST keys. Its
 * private key is published in the repository, so anyone can mint tokens it accepts. The
 * examples include this file only when built with -DREGISTER_USAGE_DEMO_WITH_PUBLISHED_TEST_KEY
 * (bindings/c/ci.sh does, to run them); a real product compiles in the key AWS Marketplace gave it.
 */
#ifndef REGISTER_USAGE_DEMO_PRODUCT_KEY_H
#define REGISTER_USAGE_DEMO_PRODUCT_KEY_H

#define DEMO_PRODUCT_CODE "1fszvu527waovqeuhpkyx2b5d"
static const char DEMO_PRODUCT_KEY_PEM[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA6E+MRsoUDbmBkQl3NlyW\n"
    "zmdqPbGNpB8ZkrAiIyK/6BWPFZThAkJQkn/Qb8rd6+nTPBU/6nu0tg8umuQL1jxQ\n"
    "TuhveGAOlpbWo9BNPbU0y+8WZPFuW/nQXUtKEMnnsC4PYcLWnMgMybhwkezyhrC8\n"
    "ZT+BB+1dNNiFWZL0uSzBR17mqXX83sS5swbZVLRPFE9ZA3i9Mydq4fYPygx8OZ9Z\n"
    "Q7j3vnVKX2MD9HChDKVVyhLahsuxOZnMyoXpPsEEP0twlLEfO/DpVFNs2lVd/k9m\n"
    "JcxCojpy/GsulkAkHjZpulhMrsUYEQRWRfbY5tMpzKMsCBHPpbQonA2CM5Rjda5n\n"
    "1QIDAQAB\n"
    "-----END PUBLIC KEY-----\n"
    ;

#endif
