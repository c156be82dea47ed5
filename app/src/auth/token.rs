//! Random tokens and their digests. Session ids and captcha answers are stored only as SHA-256.
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` random bytes from the OS-seeded CSPRNG, hex-encoded.
pub fn random_id(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex(&buf)
}

pub fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
