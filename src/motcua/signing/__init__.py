"""Certificate registry, signing keys (PKCS#12, PKCS#11), PAdES signing and verification."""
