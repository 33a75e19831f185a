//! The webhook's cryptography, as the platform's "receive events" page specifies it:
//! `X-Lark-Signature = hex(sha256(timestamp + nonce + encrypt_key + body))`, and
//! `{"encrypt": base64(iv || AES-256-CBC(sha256(encrypt_key), iv, PKCS7(json)))}`.

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// Why an `encrypt` field could not be decrypted. Deliberately coarse: the caller
/// answers every variant the same way, so a padding failure is not an oracle.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecryptError {
    /// Not standard base64.
    #[error("encrypted body is not base64")]
    Base64,
    /// Shorter than IV plus one block, or not whole blocks.
    #[error("encrypted body has an invalid length")]
    Length,
    /// Wrong key or corrupted data (bad padding).
    #[error("encrypted body does not decrypt with the configured encrypt key")]
    Padding,
}

/// `hex(sha256(timestamp + nonce + encrypt_key + body))`, lowercase.
pub fn signature(timestamp: &str, nonce: &str, encrypt_key: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(timestamp.as_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(encrypt_key.as_bytes());
    hasher.update(body);
    hex(&hasher.finalize())
}

/// Compares a received signature with the expected one in constant time (case of the
/// hex digits ignored).
pub(crate) fn signature_matches(expected: &str, received: &str) -> bool {
    let received = received.trim().to_ascii_lowercase();
    expected.as_bytes().ct_eq(received.as_bytes()).into()
}

/// Compares two secrets in constant time (for the Verification Token).
pub(crate) fn secret_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Decrypts the `encrypt` field of a webhook body.
///
/// # Errors
///
/// See [`DecryptError`].
pub fn decrypt(encrypt: &str, encrypt_key: &str) -> Result<Vec<u8>, DecryptError> {
    let mut data = STANDARD
        .decode(encrypt.trim())
        .map_err(|_| DecryptError::Base64)?;
    if data.len() < 32 || data.len() % 16 != 0 {
        return Err(DecryptError::Length);
    }
    let key = Sha256::digest(encrypt_key.as_bytes());
    let (iv, ciphertext) = data.split_at_mut(16);
    let plaintext_len = Aes256CbcDec::new(key.as_slice().into(), (&*iv).into())
        .decrypt_padded_mut::<Pkcs7>(ciphertext)
        .map_err(|_| DecryptError::Padding)?
        .len();
    data.drain(..16);
    data.truncate(plaintext_len);
    Ok(data)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example on the platform's "receive events" page.
    #[test]
    fn decrypts_the_documented_example() {
        let plain = decrypt("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=", "test key");
        assert_eq!(plain.as_deref(), Ok(&b"hello world"[..]));
    }

    #[test]
    fn rejects_wrong_key_bad_base64_and_short_input_without_panicking() {
        let good = "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=";
        assert_ne!(
            decrypt(good, "other key").ok().as_deref(),
            Some(&b"hello world"[..])
        );
        assert_eq!(decrypt("%%%", "k"), Err(DecryptError::Base64));
        assert_eq!(decrypt("", "k"), Err(DecryptError::Length));
        assert_eq!(
            decrypt("AAAAAAAAAAAAAAAAAAAAAA==", "k"),
            Err(DecryptError::Length)
        );
        assert_eq!(
            decrypt(&STANDARD.encode([0u8; 33]), "k"),
            Err(DecryptError::Length)
        );
    }

    #[test]
    fn signature_is_lowercase_hex_sha256_of_the_concatenation() {
        // sha256("") is well known; with all parts empty the signature must equal it.
        assert_eq!(
            signature("", "", "", b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let sig = signature("1", "n", "k", b"{}");
        assert_eq!(sig, hex(&Sha256::digest(b"1nk{}")));
        assert!(signature_matches(&sig, &sig.to_uppercase()));
        assert!(!signature_matches(&sig, &sig[1..]));
    }
}
