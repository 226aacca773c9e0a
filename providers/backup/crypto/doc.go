// Package crypto holds a backup repository's cryptography: the master Key
// (an AES-256-GCM encryption key and an HMAC-SHA256 key that names blobs),
// authenticated encryption of blobs and files, and the memory-hard KDF
// (argon2id) that turns a password into the key wrapping the master key.
//
// HMAC-SHA256 was measured faster than keyed BLAKE2b-256 on the target
// machines (SHA-NI), and AES-GCM uses AES-NI; FORMAT.md documents the
// byte layout of sealed data.
package crypto
