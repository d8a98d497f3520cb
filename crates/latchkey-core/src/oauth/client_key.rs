//! The client's private key for `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9): reading it
//! (PEM PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, or a private JWK,
//! RFC 7517), choosing the JWS algorithm (RFC 7518 §3.1), signing a compact JWS with `ring`, and
//! the public JWK a person registers with the provider, with its RFC 7638 thumbprint.
//! What the assertion claims and where it is sent is the token request's.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::PrivateKeyDer;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::model::{ClientAssertionAlg, OAuth2Config};
use crate::{FieldError, Secret};

/// The field of the key, for errors about the key itself.
pub const KEY_FIELD: &str = "auth.clientAssertionKey";
/// The field of the algorithm, for a key that does not fit it.
pub const ALG_FIELD: &str = "auth.clientAssertionAlg";

/// A JWS algorithm Latchkey signs assertions with (RFC 7518 §3.1 names, RFC 8037 §3.1 `EdDSA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    RS256,
    PS256,
    ES256,
    EdDSA,
}

impl Alg {
    /// The `alg` header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::PS256 => "PS256",
            Alg::ES256 => "ES256",
            Alg::EdDSA => "EdDSA",
        }
    }
}

enum Signer {
    Rsa(RsaKeyPair),
    P256(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

impl Signer {
    fn kind(&self) -> &'static str {
        match self {
            Signer::Rsa(_) => "an RSA key",
            Signer::P256(_) => "a P-256 EC key",
            Signer::Ed25519(_) => "an Ed25519 key",
        }
    }

    fn fix(&self) -> &'static str {
        match self {
            Signer::Rsa(_) => "choose RS256 or PS256 (or By key)",
            Signer::P256(_) => "choose ES256 (or By key)",
            Signer::Ed25519(_) => "choose EdDSA (or By key)",
        }
    }
}

/// A private key ready to sign assertions with one algorithm. `Debug` shows no key material.
pub struct AssertionKey {
    signer: Signer,
    alg: Alg,
    /// The given Key ID, else the private JWK's own `kid`.
    kid: Option<String>,
    rng: SystemRandom,
}

impl std::fmt::Debug for AssertionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssertionKey").field("alg", &self.alg).field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// The public key a person registers with the provider for `private_key_jwt`, for the editor
/// and the CLI.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyToRegister {
    /// The public JWK, pretty-printed JSON.
    pub jwk: String,
    /// The algorithm the assertions are signed with (`ES256`, …).
    pub alg: String,
    /// The JWK's `kid`: the Key ID, the private JWK's, or the RFC 7638 thumbprint.
    pub kid: String,
}

/// The public JWK of the private key `text` (with `alg` and `kid` as in a configuration).
///
/// # Errors
/// As [`AssertionKey::parse`], as [`crate::Error::Invalid`].
pub fn public_key_to_register(text: &Secret, alg: ClientAssertionAlg, kid: &str) -> crate::Result<PublicKeyToRegister> {
    let key = AssertionKey::parse(text, alg, kid).map_err(|e| crate::Error::Invalid(vec![e]))?;
    let jwk = key.public_jwk();
    Ok(PublicKeyToRegister {
        jwk: serde_json::to_string_pretty(&jwk).expect("a JWK serializes"),
        alg: key.alg.as_str().to_owned(),
        kid: jwk["kid"].as_str().unwrap_or_default().to_owned(),
    })
}

/// The assertion key stored in `config` (as [`crate::Store::datasource_in`] or
/// `datasource_with_secrets` open it), for showing its public key.
///
/// # Errors
/// [`crate::Error::Invalid`] on `auth.clientAssertionKey` when the configuration holds none.
pub fn stored_key(config: &crate::model::DatasourceConfig) -> crate::Result<Secret> {
    match &config.auth {
        crate::model::AuthConfig::OAuth2(auth) => auth.client_assertion_key.value().cloned(),
        _ => None,
    }
    .ok_or_else(|| crate::Error::field(KEY_FIELD, "no private key is saved for this datasource: paste it"))
}

/// Why a key text cannot sign: a problem of the key, or of the key with the algorithm.
enum Problem {
    Key(String),
    Alg(String),
}

impl Problem {
    fn into_field_error(self) -> FieldError {
        match self {
            Problem::Key(message) => FieldError::new(KEY_FIELD, message),
            Problem::Alg(message) => FieldError::new(ALG_FIELD, message),
        }
    }
}

const UNREADABLE: &str = "not a private key Latchkey can read: paste the PEM text (-----BEGIN PRIVATE KEY-----, \
                          -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----) or a private JWK (JSON)";
const ENCRYPTED: &str = "this private key is encrypted with a passphrase, which Latchkey cannot ask for: export it \
                         unencrypted with `openssl pkey -in key.pem -out key-plain.pem` (it asks for the passphrase \
                         once) and paste that; the vault seals it";
const PUBLIC: &str = "this is a public key or certificate; the assertion is signed with the private key: paste the \
                      private key (the public one is what you register with the provider)";
const SMALL_RSA: &str = "this RSA key is shorter than 2048 bits, too weak for RS256 and PS256 (RFC 7518 §3.3): make \
                         a new one with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`";

impl AssertionKey {
    /// Reads `text` and chooses the algorithm for it (`alg`, or the usual one for the key with
    /// `ByKey`); `kid` (trimmed; empty: the private JWK's `kid`, if any) names the key.
    ///
    /// # Errors
    /// A [`FieldError`] on `auth.clientAssertionKey` for an unreadable, encrypted or public key,
    /// or a key type Latchkey cannot sign with; on `auth.clientAssertionAlg` for an algorithm that
    /// does not fit the key, a curve other than P-256, or an RSA key under 2048 bits.
    pub fn parse(text: &Secret, alg: ClientAssertionAlg, kid: &str) -> Result<AssertionKey, FieldError> {
        let (signer, jwk_kid) = read(text.expose()).map_err(Problem::into_field_error)?;
        let alg = choose(&signer, alg).map_err(Problem::into_field_error)?;
        let kid = Some(kid.trim()).filter(|k| !k.is_empty()).map(str::to_owned).or(jwk_kid);
        Ok(AssertionKey { signer, alg, kid, rng: SystemRandom::new() })
    }

    /// [`AssertionKey::parse`] with the configuration's `clientAssertionAlg` and `clientAssertionKid`.
    ///
    /// # Errors
    /// As [`AssertionKey::parse`].
    pub fn for_config(text: &Secret, config: &OAuth2Config) -> Result<AssertionKey, FieldError> {
        AssertionKey::parse(text, config.client_assertion_alg, &config.client_assertion_kid)
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// The `kid` sent in the assertion header: the given Key ID or the JWK's, else none.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The public key's members (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2), in RFC 7638 order.
    fn public_members(&self) -> Map<String, Value> {
        let b64 = |bytes: &[u8]| Value::String(B64URL.encode(bytes));
        let mut members = Map::new();
        match &self.signer {
            Signer::Rsa(pair) => {
                let public = signature::RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
                members.insert("e".into(), b64(strip_zeros(&public.e)));
                members.insert("kty".into(), "RSA".into());
                members.insert("n".into(), b64(strip_zeros(&public.n)));
            }
            Signer::P256(pair) => {
                let point = pair.public_key().as_ref();
                members.insert("crv".into(), "P-256".into());
                members.insert("kty".into(), "EC".into());
                members.insert("x".into(), b64(&point[1..33]));
                members.insert("y".into(), b64(&point[33..65]));
            }
            Signer::Ed25519(pair) => {
                members.insert("crv".into(), "Ed25519".into());
                members.insert("kty".into(), "OKP".into());
                members.insert("x".into(), b64(pair.public_key().as_ref()));
            }
        }
        members
    }

    /// RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key.
    pub fn thumbprint(&self) -> String {
        thumbprint_of(self.public_members())
    }

    /// The public JWK to register with the provider: the key's members, `alg`, `use: "sig"` and
    /// `kid` (the Key ID or the JWK's, else the RFC 7638 thumbprint).
    pub fn public_jwk(&self) -> Value {
        let mut jwk = self.public_members();
        jwk.insert("alg".into(), self.alg.as_str().into());
        jwk.insert("use".into(), "sig".into());
        jwk.insert("kid".into(), self.kid.clone().unwrap_or_else(|| self.thumbprint()).into());
        Value::Object(jwk)
    }

    /// A compact JWS (RFC 7515 §7.1) of `claims` with header `alg`, `typ: JWT` and `kid` when known.
    pub fn sign_jwt(&self, claims: &Value) -> String {
        let mut header = json!({"alg": self.alg.as_str(), "typ": "JWT"});
        if let Some(kid) = &self.kid {
            header["kid"] = kid.as_str().into();
        }
        let input = format!("{}.{}", B64URL.encode(header.to_string()), B64URL.encode(claims.to_string()));
        let signature = self.sign(input.as_bytes());
        format!("{input}.{}", B64URL.encode(signature))
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        match &self.signer {
            Signer::Rsa(pair) => {
                let padding: &'static dyn signature::RsaEncoding = match self.alg {
                    Alg::PS256 => &signature::RSA_PSS_SHA256,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut out = vec![0; pair.public().modulus_len()];
                pair.sign(padding, &self.rng, message, &mut out).expect("an RSA signature of a parsed key");
                out
            }
            Signer::P256(pair) => {
                pair.sign(&self.rng, message).expect("an ECDSA signature of a parsed key").as_ref().to_vec()
            }
            Signer::Ed25519(pair) => pair.sign(message).as_ref().to_vec(),
        }
    }
}

/// RFC 7638 §3: SHA-256 of the required members, sorted, without whitespace (serde_json keeps
/// insertion order, so `members` must come sorted), base64url.
fn thumbprint_of(members: Map<String, Value>) -> String {
    debug_assert!(members.keys().zip(members.keys().skip(1)).all(|(a, b)| a < b), "sorted members");
    B64URL.encode(Sha256::digest(Value::Object(members).to_string().as_bytes()))
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len().saturating_sub(1));
    &bytes[start..]
}

fn choose(signer: &Signer, alg: ClientAssertionAlg) -> Result<Alg, Problem> {
    use ClientAssertionAlg as A;
    let chosen = match (signer, alg) {
        (Signer::Rsa(_), A::ByKey | A::RS256) => Alg::RS256,
        (Signer::Rsa(_), A::PS256) => Alg::PS256,
        (Signer::P256(_), A::ByKey | A::ES256) => Alg::ES256,
        (Signer::Ed25519(_), A::ByKey | A::EdDSA) => Alg::EdDSA,
        (_, other) => {
            let needs = match other {
                A::RS256 | A::PS256 => "an RSA key",
                A::ES256 => "a P-256 EC key",
                _ => "an Ed25519 key",
            };
            return Err(Problem::Alg(format!(
                "{other:?} needs {needs}, but this is {}: {}, or paste {needs}",
                signer.kind(),
                signer.fix()
            )));
        }
    };
    Ok(chosen)
}

/// The key in `text` and the private JWK's `kid`.
fn read(text: &str) -> Result<(Signer, Option<String>), Problem> {
    let text = text.trim();
    if text.starts_with('{') {
        return read_jwk(text);
    }
    if text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(Problem::Key(ENCRYPTED.into()));
    }
    let der = match PrivateKeyDer::from_pem_slice(text.as_bytes()) {
        Ok(der) => der,
        Err(_) if text.contains("PUBLIC KEY-----") || text.contains("CERTIFICATE-----") => {
            return Err(Problem::Key(PUBLIC.into()));
        }
        Err(_) => return Err(Problem::Key(UNREADABLE.into())),
    };
    let signer = match &der {
        PrivateKeyDer::Pkcs8(key) => read_pkcs8(key.secret_pkcs8_der())?,
        PrivateKeyDer::Pkcs1(key) => Signer::Rsa(RsaKeyPair::from_der(key.secret_pkcs1_der()).map_err(rsa_problem)?),
        PrivateKeyDer::Sec1(key) => read_sec1(key.secret_sec1_der())?,
        _ => return Err(Problem::Key(UNREADABLE.into())),
    };
    Ok((signer, None))
}

/// DER object identifiers (contents octets) of the key types and curves told apart.
mod oid {
    pub const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    pub const RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    pub const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    pub const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    pub const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    pub const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
    pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    pub const ED448: &[u8] = &[0x2b, 0x65, 0x71];
}

/// One DER TLV at the start of `input`: its tag, contents and the rest.
fn der_next(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        (rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b)), &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The contents of the SEQUENCE `input` is.
fn der_sequence(input: &[u8]) -> Option<&[u8]> {
    match der_next(input)? {
        (0x30, contents, _) => Some(contents),
        _ => None,
    }
}

/// The algorithm OID and its parameter OID (the curve), if any, of a PKCS#8 PrivateKeyInfo.
fn pkcs8_algorithm(der: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let info = der_sequence(der)?;
    let (0x02, _, rest) = der_next(info)? else { return None };
    let (0x30, algorithm, _) = der_next(rest)? else { return None };
    let (0x06, oid, params) = der_next(algorithm)? else { return None };
    let curve = der_next(params).and_then(|(tag, value, _)| (tag == 0x06).then_some(value));
    Some((oid, curve))
}

fn curve_problem(curve: Option<&[u8]>) -> Problem {
    let name = match curve {
        Some(c) if c == oid::P384 => "P-384",
        Some(c) if c == oid::P521 => "P-521",
        _ => "this curve",
    };
    Problem::Alg(format!(
        "{name} keys are not supported (Latchkey signs EC assertions with ES256, which needs a P-256 key): make a \
         P-256 key with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`, or use an RSA or Ed25519 \
         key"
    ))
}

fn read_pkcs8(der: &[u8]) -> Result<Signer, Problem> {
    let Some((algorithm, curve)) = pkcs8_algorithm(der) else { return Err(Problem::Key(UNREADABLE.into())) };
    let rng = SystemRandom::new();
    match algorithm {
        a if a == oid::RSA => Ok(Signer::Rsa(RsaKeyPair::from_pkcs8(der).map_err(rsa_problem)?)),
        a if a == oid::EC && curve == Some(oid::P256) => {
            EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, der, &rng)
                .map(Signer::P256)
                .map_err(|e| key_problem("EC", e))
        }
        a if a == oid::EC => Err(curve_problem(curve)),
        a if a == oid::ED25519 => {
            Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map(Signer::Ed25519).map_err(|e| key_problem("Ed25519", e))
        }
        a if a == oid::ED448 => Err(Problem::Key(
            "Ed448 keys are not supported: use an Ed25519 key (`openssl genpkey -algorithm ed25519`), P-256 or RSA"
                .into(),
        )),
        a if a == oid::RSA_PSS => Err(Problem::Key(
            "this RSA key is restricted to RSA-PSS (an RSASSA-PSS key), which Latchkey cannot read: make a plain RSA \
             key with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` and choose PS256"
                .into(),
        )),
        _ => Err(Problem::Key(
            "this key type is not supported: use an RSA (2048 bits or more), P-256 EC or Ed25519 private key".into(),
        )),
    }
}

/// RFC 5915 ECPrivateKey: version, the private scalar, the curve ([0]) and the public point ([1]).
fn read_sec1(der: &[u8]) -> Result<Signer, Problem> {
    let unreadable = || Problem::Key(UNREADABLE.into());
    let mut rest = der_sequence(der).ok_or_else(unreadable)?;
    let (mut private, mut curve, mut public) = (None, None, None);
    while let Some((tag, value, next)) = der_next(rest) {
        match tag {
            0x04 => private = Some(value),
            0xa0 => curve = der_next(value).filter(|(t, _, _)| *t == 0x06).map(|(_, oid, _)| oid),
            0xa1 => public = der_next(value).filter(|(t, _, _)| *t == 0x03).map(|(_, bits, _)| bits),
            _ => {}
        }
        rest = next;
    }
    let private = private.ok_or_else(unreadable)?;
    if curve != Some(oid::P256) {
        return Err(curve_problem(curve));
    }
    // The BIT STRING starts with its count of unused bits (0).
    let Some(point) = public.and_then(|bits| bits.strip_prefix(&[0])) else {
        return Err(Problem::Key(
            "this EC key has no public part, which Latchkey needs: convert it with `openssl pkey -in key.pem -out \
             key-pkcs8.pem` and paste that"
                .into(),
        ));
    };
    p256_from_parts(private, point)
}

fn p256_from_parts(private: &[u8], point: &[u8]) -> Result<Signer, Problem> {
    let rng = SystemRandom::new();
    EcdsaKeyPair::from_private_key_and_public_key(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, private, point, &rng)
        .map(Signer::P256)
        .map_err(|e| key_problem("EC", e))
}

fn rsa_problem(error: ring::error::KeyRejected) -> Problem {
    match error.to_string().as_str() {
        "TooSmall" => Problem::Alg(SMALL_RSA.into()),
        "PrivateModulusLenNotMultipleOf512Bits" => Problem::Key(
            "RSA keys must be a multiple of 512 bits long (2048, 3072, 4096): make one with `openssl genpkey \
             -algorithm RSA -pkeyopt rsa_keygen_bits:2048`"
                .into(),
        ),
        _ => key_problem("RSA", error),
    }
}

fn key_problem(kind: &str, error: ring::error::KeyRejected) -> Problem {
    Problem::Key(format!("this {kind} private key is damaged or inconsistent ({error}): export it again"))
}

/// A private JWK (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2), or a JWK Set holding exactly one key.
fn read_jwk(text: &str) -> Result<(Signer, Option<String>), Problem> {
    let not_json = || Problem::Key("not a JSON Web Key: paste the private JWK as JSON, or a PEM private key".into());
    let value: Value = serde_json::from_str(text).map_err(|_| not_json())?;
    let jwk = match value.get("keys").and_then(Value::as_array) {
        Some(keys) if keys.len() == 1 => keys[0].clone(),
        Some(_) => return Err(Problem::Key("this JWK Set holds several keys: paste just the one to sign with".into())),
        None => value,
    };
    let member = |name: &str| jwk.get(name).and_then(Value::as_str);
    let bytes = |name: &str| -> Result<Zeroizing<Vec<u8>>, Problem> {
        let text = member(name).ok_or_else(|| Problem::Key(format!("this private JWK lacks `{name}`")))?;
        B64URL
            .decode(text.trim_end_matches('='))
            .map(Zeroizing::new)
            .map_err(|_| Problem::Key(format!("`{name}` of this JWK is not base64url")))
    };
    if member("d").is_none() {
        return Err(Problem::Key(PUBLIC.into()));
    }
    let signer = match (member("kty"), member("crv")) {
        (Some("RSA"), _) => {
            if ["p", "q", "dp", "dq", "qi"].iter().any(|m| member(m).is_none()) {
                return Err(Problem::Key(
                    "this RSA JWK lacks its CRT members (p, q, dp, dq, qi), which Latchkey needs: export the key \
                     with all of them, or paste it as PEM"
                        .into(),
                ));
            }
            let components = ring::rsa::KeyPairComponents {
                public_key: signature::RsaPublicKeyComponents { n: bytes("n")?, e: bytes("e")? },
                d: bytes("d")?,
                p: bytes("p")?,
                q: bytes("q")?,
                dP: bytes("dp")?,
                dQ: bytes("dq")?,
                qInv: bytes("qi")?,
            };
            Signer::Rsa(RsaKeyPair::from_components(&components).map_err(rsa_problem)?)
        }
        (Some("EC"), Some("P-256")) => {
            let (x, y) = (bytes("x")?, bytes("y")?);
            let point: Vec<u8> = [&[4u8][..], &x, &y].concat();
            p256_from_parts(&bytes("d")?, &point)?
        }
        (Some("EC"), crv) => {
            let oid = match crv {
                Some("P-384") => Some(oid::P384),
                Some("P-521") => Some(oid::P521),
                _ => None,
            };
            return Err(curve_problem(oid));
        }
        (Some("OKP"), Some("Ed25519")) => {
            let pair = Ed25519KeyPair::from_seed_and_public_key(&bytes("d")?, &bytes("x")?)
                .map_err(|e| key_problem("Ed25519", e))?;
            Signer::Ed25519(pair)
        }
        (Some("oct"), _) => {
            return Err(Problem::Key(
                "this is a symmetric key (kty oct): private_key_jwt needs an RSA, P-256 or Ed25519 private key; \
                 a shared secret goes in Client Secret with client_secret_jwt"
                    .into(),
            ));
        }
        _ => {
            return Err(Problem::Key(
                "this JWK's key type is not supported: use an RSA, EC P-256 or OKP Ed25519 private key".into(),
            ));
        }
    };
    Ok((signer, member("kid").map(str::to_owned)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// A key made by the openssl CLI with `args` (after `genpkey`), then converted with
    /// `convert` (`openssl` arguments reading stdin), as PEM text.
    fn openssl_key(genpkey: &[&str], convert: Option<&[&str]>) -> String {
        let out = Command::new("openssl").arg("genpkey").args(genpkey).output().expect("run openssl genpkey");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let Some(convert) = convert else { return String::from_utf8(out.stdout).unwrap() };
        let mut child = Command::new("openssl")
            .args(convert)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run openssl");
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&out.stdout).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    }

    fn rsa(bits: u32) -> String {
        openssl_key(&["-algorithm", "RSA", "-pkeyopt", &format!("rsa_keygen_bits:{bits}")], None)
    }

    fn p256() -> String {
        openssl_key(&["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], None)
    }

    fn parse(text: &str, alg: ClientAssertionAlg) -> Result<AssertionKey, FieldError> {
        AssertionKey::parse(&Secret::new(text), alg, "")
    }

    /// Verifies `jws` with the public JWK and returns the header and claims.
    fn verify(jws: &str, jwk: &Value) -> (Value, Value) {
        let parts: Vec<&str> = jws.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: Value = serde_json::from_slice(&B64URL.decode(parts[0]).unwrap()).unwrap();
        let message = format!("{}.{}", parts[0], parts[1]);
        let signature = B64URL.decode(parts[2]).unwrap();
        let b = |m: &str| B64URL.decode(jwk[m].as_str().unwrap()).unwrap();
        let ok = match header["alg"].as_str().unwrap() {
            alg @ ("RS256" | "PS256") => {
                let params = if alg == "RS256" {
                    &signature::RSA_PKCS1_2048_8192_SHA256
                } else {
                    &signature::RSA_PSS_2048_8192_SHA256
                };
                signature::RsaPublicKeyComponents { n: b("n"), e: b("e") }.verify(
                    params,
                    message.as_bytes(),
                    &signature,
                )
            }
            "ES256" => {
                let point = [&[4u8][..], &b("x"), &b("y")].concat();
                signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message.as_bytes(), &signature)
            }
            "EdDSA" => {
                signature::UnparsedPublicKey::new(&signature::ED25519, b("x")).verify(message.as_bytes(), &signature)
            }
            other => panic!("unexpected alg {other}"),
        };
        ok.expect("the signature verifies with the public JWK");
        (header, serde_json::from_slice(&B64URL.decode(parts[1]).unwrap()).unwrap())
    }

    #[test]
    fn every_key_form_signs_with_its_algorithm_and_verifies_with_its_public_jwk() {
        let rsa = rsa(2048);
        let rsa_pkcs1 =
            openssl_key(&["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], Some(&["rsa", "-traditional"]));
        let ec_sec1 = openssl_key(&["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], Some(&["ec"]));
        let ed = openssl_key(&["-algorithm", "ed25519"], None);
        assert!(rsa_pkcs1.contains("BEGIN RSA PRIVATE KEY") && ec_sec1.contains("BEGIN EC PRIVATE KEY"));
        let cases = [
            (&rsa, ClientAssertionAlg::ByKey, "RS256", "RSA"),
            (&rsa, ClientAssertionAlg::PS256, "PS256", "RSA"),
            (&rsa_pkcs1, ClientAssertionAlg::RS256, "RS256", "RSA"),
            (&p256(), ClientAssertionAlg::ByKey, "ES256", "EC"),
            (&ec_sec1, ClientAssertionAlg::ES256, "ES256", "EC"),
            (&ed, ClientAssertionAlg::ByKey, "EdDSA", "OKP"),
        ];
        for (text, alg, expected, kty) in cases {
            let key = parse(text, alg).unwrap_or_else(|e| panic!("{expected}: {e:?}"));
            let jwk = key.public_jwk();
            assert_eq!(
                (jwk["alg"].as_str(), jwk["kty"].as_str(), jwk["use"].as_str()),
                (Some(expected), Some(kty), Some("sig"))
            );
            assert_eq!(jwk["kid"], key.thumbprint(), "without a Key ID, the kid is the RFC 7638 thumbprint");
            assert!(jwk.get("d").is_none(), "the public JWK has no private member");
            let (header, claims) = verify(&key.sign_jwt(&json!({"iss": "c"})), &jwk);
            assert_eq!(header, json!({"alg": expected, "typ": "JWT"}), "no kid in the header unless one is known");
            assert_eq!(claims["iss"], "c");
        }
    }

    #[test]
    fn the_thumbprint_follows_rfc_7638() {
        // RFC 7638 §3.1's example key and its thumbprint.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        let Value::Object(members) = json!({"e": "AQAB", "kty": "RSA", "n": n}) else { unreachable!() };
        assert_eq!(thumbprint_of(members), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    #[test]
    fn a_kid_is_the_given_one_else_the_jwks() {
        let key = AssertionKey::parse(&Secret::new(p256()), ClientAssertionAlg::ByKey, " key-1 ").unwrap();
        assert_eq!(key.kid(), Some("key-1"));
        assert_eq!(key.public_jwk()["kid"], "key-1");
        let (header, _) = verify(&key.sign_jwt(&json!({})), &key.public_jwk());
        assert_eq!(header["kid"], "key-1");
    }

    #[test]
    fn problems_with_the_key_are_on_the_key_field_and_say_what_to_do() {
        let encrypted = openssl_key(
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-128-cbc", "-pass", "pass:pw"],
            None,
        );
        let public = openssl_key(&["-algorithm", "ed25519"], Some(&["pkey", "-pubout"]));
        for (text, says) in [
            (encrypted.as_str(), "openssl pkey -in key.pem"),
            (public.as_str(), "public key"),
            ("hello", "not a private key"),
            ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a private key"),
            (r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#, "public key"),
            (r#"{"kty":"oct","k":"AA","d":"x"}"#, "symmetric"),
            ("{not json", "not a JSON Web Key"),
        ] {
            let err = parse(text, ClientAssertionAlg::ByKey).unwrap_err();
            assert_eq!(err.field, KEY_FIELD, "{says}: {err:?}");
            assert!(err.message.contains(says), "{says}: {}", err.message);
            let middle = &text[text.len() / 3..text.len() / 2];
            assert!(middle.len() < 4 || !err.message.contains(middle), "the key text is never quoted");
        }
    }

    #[test]
    fn an_algorithm_that_does_not_fit_the_key_is_on_the_algorithm_field() {
        let rsa_key = rsa(2048);
        let p384 = openssl_key(&["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], None);
        let p384_sec1 = openssl_key(&["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], Some(&["ec"]));
        for (text, alg, says) in [
            (rsa_key.as_str(), ClientAssertionAlg::ES256, "ES256 needs a P-256 EC key, but this is an RSA key"),
            (&p256(), ClientAssertionAlg::RS256, "RS256 needs an RSA key"),
            (&p256(), ClientAssertionAlg::EdDSA, "EdDSA needs an Ed25519 key"),
            (&p384, ClientAssertionAlg::ByKey, "P-384 keys are not supported"),
            (&p384_sec1, ClientAssertionAlg::ES256, "P-384"),
            (&rsa(1024), ClientAssertionAlg::ByKey, "shorter than 2048 bits"),
        ] {
            let err = parse(text, alg).unwrap_err();
            assert_eq!(err.field, ALG_FIELD, "{says}: {err:?}");
            assert!(err.message.contains(says), "{says}: {}", err.message);
        }
    }

    #[test]
    fn debug_shows_no_key_material() {
        let key = parse(&p256(), ClientAssertionAlg::ByKey).unwrap();
        assert_eq!(format!("{key:?}"), "AssertionKey { alg: ES256, kid: None, .. }");
    }
}
