//! Private keys as files hold them: PEM blocks, OpenSSH and PuTTY key files. These are container
//! formats rather than provider key shapes, so they are built here, structurally valid where a
//! scanner could check them; every provider's key shape comes from the rule catalog
//! (`shapes.rs`).

use crate::common::rng::{base64, Rng};

/// A private key block, as lines, and its kind. The bytes are structurally valid where a
/// scanner could check them: DER keys carry their real outer SEQUENCE header and length,
/// OpenSSH keys are a well-formed `openssh-key-v1` container (matching check integers), and PGP
/// armor carries a correct CRC-24. Callers that need one line join the lines with `\n`.
pub fn private_key_block(rng: &Rng) -> (&'static str, Vec<String>) {
    let (kind, label) = match rng.below(7) {
        0 => ("rsa-private-key", "RSA PRIVATE KEY"),
        1 => ("pkcs8-private-key", "PRIVATE KEY"),
        2 => ("ec-private-key", "EC PRIVATE KEY"),
        3 => ("openssh-private-key", "OPENSSH PRIVATE KEY"),
        4 => ("encrypted-private-key", "ENCRYPTED PRIVATE KEY"),
        5 => ("dsa-private-key", "DSA PRIVATE KEY"),
        _ => ("pgp-private-key", "PGP PRIVATE KEY BLOCK"),
    };
    let (der, width) = match kind {
        "rsa-private-key" => (der(rng, &RSA_PKCS1_HEAD, 1192), 64),
        "pkcs8-private-key" => (pkcs8_der(rng), 64),
        "ec-private-key" => {
            let mut d = vec![0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
            d.extend(rng.bytes(32));
            d.extend([
                0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
            ]);
            d.extend([0xa1, 0x44, 0x03, 0x42, 0x00, 0x04]);
            d.extend(rng.bytes(64));
            (d, 64)
        }
        "openssh-private-key" => (openssh_ed25519(rng), 70),
        "encrypted-private-key" => (der(rng, &ENCRYPTED_PKCS8_HEAD, 1315), 64),
        "dsa-private-key" => (
            der(
                rng,
                &[
                    0x30, 0x82, 0x01, 0xbb, 0x02, 0x01, 0x00, 0x02, 0x81, 0x81, 0x00,
                ],
                447,
            ),
            64,
        ),
        _ => {
            // An old-format secret-key packet (tag 5) of 920 bytes: version 4, creation time.
            let mut d = vec![0x95, 0x03, 0x98, 0x04, 0x65];
            d.extend(rng.bytes(922 - d.len() + 1));
            (d, 64)
        }
    };
    let body = base64(&der, false);
    let mut lines = vec![format!("-----BEGIN {label}-----")];
    if kind == "pgp-private-key" {
        lines.push(String::new());
    }
    for chunk in body.as_bytes().chunks(width) {
        lines.push(String::from_utf8(chunk.to_vec()).expect("base64 is ASCII"));
    }
    if kind == "pgp-private-key" {
        let crc = crc24(&der);
        lines.push(format!("={}", base64(&crc.to_be_bytes()[1..], false)));
    }
    lines.push(format!("-----END {label}-----"));
    (kind, lines)
}

const RSA_PKCS1_HEAD: [u8; 12] = [
    0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00,
];
const PKCS8_RSA_HEAD: [u8; 38] = [
    0x30, 0x82, 0x04, 0xbd, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
    0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, 0x82, 0x04, 0xa7, 0x30, 0x82, 0x04, 0xa3, 0x02, 0x01,
    0x00, 0x02, 0x82, 0x01, 0x01, 0x00,
];
const ENCRYPTED_PKCS8_HEAD: [u8; 36] = [
    0x30, 0x82, 0x05, 0x1f, 0x30, 0x49, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05,
    0x0d, 0x30, 0x3c, 0x30, 0x1b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c,
    0x30, 0x0e, 0x04, 0x08,
];

/// `head` followed by random bytes up to `total` bytes (the length the header declares).
fn der(rng: &Rng, head: &[u8], total: usize) -> Vec<u8> {
    let mut d = head.to_vec();
    d.extend(rng.bytes(total - head.len()));
    d
}

/// An unencrypted PKCS#8 RSA-2048 private key, DER.
pub fn pkcs8_der(rng: &Rng) -> Vec<u8> {
    der(rng, &PKCS8_RSA_HEAD, 1217)
}

/// An unencrypted PKCS#1 RSA-2048 private key, DER.
pub fn rsa_der(rng: &Rng) -> Vec<u8> {
    der(rng, &RSA_PKCS1_HEAD, 1192)
}

fn ssh_string(out: &mut Vec<u8>, data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
}

/// An unencrypted `openssh-key-v1` Ed25519 private key (PROTOCOL.key).
fn openssh_ed25519(rng: &Rng) -> Vec<u8> {
    let public = rng.bytes(32);
    let mut public_blob = Vec::new();
    ssh_string(&mut public_blob, b"ssh-ed25519");
    ssh_string(&mut public_blob, &public);
    let check = rng.bytes(4);
    let mut private = Vec::new();
    private.extend(&check);
    private.extend(&check);
    ssh_string(&mut private, b"ssh-ed25519");
    ssh_string(&mut private, &public);
    let mut secret = rng.bytes(32);
    secret.extend(&public);
    ssh_string(&mut private, &secret);
    ssh_string(&mut private, b"deploy@ci");
    let mut pad = 1u8;
    while private.len() % 8 != 0 {
        private.push(pad);
        pad += 1;
    }
    let mut out = b"openssh-key-v1\0".to_vec();
    ssh_string(&mut out, b"none");
    ssh_string(&mut out, b"none");
    ssh_string(&mut out, b"");
    out.extend(1u32.to_be_bytes());
    ssh_string(&mut out, &public_blob);
    ssh_string(&mut out, &private);
    out
}

/// The OpenPGP armor checksum (RFC 4880, 6.1).
fn crc24(data: &[u8]) -> u32 {
    let mut crc: u32 = 0xB7_04CE;
    for &b in data {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= 0x186_4CFB;
            }
        }
    }
    crc & 0xFF_FFFF
}

/// A PuTTY private key file (format 3), unencrypted, with a correct `Private-MAC` (HMAC-SHA-256
/// with an empty key over the key's fields).
pub fn putty_key(rng: &Rng) -> Vec<String> {
    use sha2::{Digest, Sha256};
    let comment = format!(
        "eddsa-key-2024{:02}{:02}",
        rng.range(1, 12),
        rng.range(1, 28)
    );
    let mut public = Vec::new();
    ssh_string(&mut public, b"ssh-ed25519");
    ssh_string(&mut public, &rng.bytes(32));
    let mut private = Vec::new();
    ssh_string(&mut private, &rng.bytes(32));
    let mut mac_data = Vec::new();
    ssh_string(&mut mac_data, b"ssh-ed25519");
    ssh_string(&mut mac_data, b"none");
    ssh_string(&mut mac_data, comment.as_bytes());
    ssh_string(&mut mac_data, &public);
    ssh_string(&mut mac_data, &private);
    // HMAC with an empty key: the key block is all zeros.
    let inner = Sha256::new()
        .chain_update([0x36u8; 64])
        .chain_update(&mac_data)
        .finalize();
    let mac = Sha256::new()
        .chain_update([0x5cu8; 64])
        .chain_update(inner)
        .finalize();
    let mac: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    let public_b64 = base64(&public, false);
    let public_lines: Vec<String> = public_b64
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8(c.to_vec()).expect("ascii"))
        .collect();
    let mut lines = vec![
        "PuTTY-User-Key-File-3: ssh-ed25519".to_string(),
        "Encryption: none".to_string(),
        format!("Comment: {comment}"),
        format!("Public-Lines: {}", public_lines.len()),
    ];
    lines.extend(public_lines);
    lines.push("Private-Lines: 1".to_string());
    lines.push(base64(&private, false));
    lines.push(format!("Private-MAC: {mac}"));
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc24_matches_the_openpgp_check_value() {
        assert_eq!(super::crc24(b"123456789"), 0x21_CF02);
    }

    #[test]
    fn openssh_keys_are_well_formed() {
        let key = super::openssh_ed25519(&super::Rng::new(1));
        assert!(key.starts_with(b"openssh-key-v1\0\0\0\0\x04none"));
        // Magic, cipher, kdf, kdf options, key count, public blob (4 + 51), private length:
        // the private section starts with two equal check integers.
        let private = &key[15 + 8 + 8 + 4 + 4 + 55 + 4..];
        assert_eq!(private.len() % 8, 0);
        assert_eq!(private[..4], private[4..8]);
    }
}
