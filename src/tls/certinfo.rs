//! Certificate details as the legacy properties present them: CertificateSubject and
//! CertificateIssuer as "TAG=value, ..." (CN, O, OU, L, S, C, E; values with commas quoted),
//! CertificateIssued and CertificateExpires in ISO 8601 UTC, and the SHA-256 fingerprint.

use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

/// The properties of one certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertDetails {
    pub subject: String,
    pub issuer: String,
    /// notBefore, e.g. "2025-01-31T23:59:59Z".
    pub issued: String,
    /// notAfter.
    pub expires: String,
    /// SHA-256 of the DER, 64 lowercase hex digits.
    pub fingerprint: String,
}

/// The tag SocketTools-style strings use for an attribute (S, not RFC 4514's ST).
fn tag(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.7" => "L",
        "2.5.4.8" => "S",
        "2.5.4.6" => "C",
        "1.2.840.113549.1.9.1" => "E",
        _ => return None,
    })
}

/// "TAG=value, TAG=value" in the certificate's order; values holding a comma, a quote or
/// surrounding spaces are quoted, with inner quotes doubled.
pub fn format_name(name: &X509Name<'_>) -> String {
    let mut parts = Vec::new();
    for rdn in name.iter_rdn() {
        for attr in rdn.iter() {
            let oid = attr.attr_type().to_id_string();
            let value = match attr.as_str() {
                Ok(v) => v.to_owned(),
                Err(_) => String::from_utf8_lossy(attr.attr_value().data).into_owned(),
            };
            let value = if value.contains([',', '"']) || value.trim() != value {
                format!("\"{}\"", value.replace('"', "\"\""))
            } else {
                value
            };
            let tag = tag(&oid).map(str::to_owned).unwrap_or_else(|| format!("OID.{oid}"));
            parts.push(format!("{tag}={value}"));
        }
    }
    parts.join(", ")
}

/// Seconds since the epoch as ISO 8601 UTC.
pub fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (H. Hinnant's algorithm), valid for the whole proleptic Gregorian range.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The SHA-256 fingerprint of a DER certificate, 64 lowercase hex digits.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// Normalises a fingerprint given by the application: hex, case and ':' separators ignored.
pub fn normalise_fingerprint(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(|c| *c != ':' && !c.is_whitespace()).collect();
    let bytes = hex::decode(digits).ok()?;
    (bytes.len() == 32).then(|| hex::encode(bytes))
}

/// Parses a DER certificate; None when it is not one.
pub fn details(der: &[u8]) -> Option<CertDetails> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let v = cert.validity();
    Some(CertDetails {
        subject: format_name(cert.subject()),
        issuer: format_name(cert.issuer()),
        issued: iso8601(v.not_before.timestamp()),
        expires: iso8601(v.not_after.timestamp()),
        fingerprint: fingerprint(der),
    })
}

/// The nextUpdate of a CRL (DER), as seconds since the epoch.
pub fn crl_next_update(der: &[u8]) -> Option<i64> {
    let (_, crl) = CertificateRevocationList::from_der(der).ok()?;
    crl.next_update().map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_738_367_999), "2025-01-31T23:59:59Z");
        assert_eq!(iso8601(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn fingerprints() {
        let fp = fingerprint(b"abc");
        assert_eq!(fp, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let colons: Vec<String> =
            fp.as_bytes().chunks(2).map(|c| String::from_utf8(c.to_vec()).unwrap().to_uppercase()).collect();
        assert_eq!(normalise_fingerprint(&colons.join(":")), Some(fp));
        assert_eq!(normalise_fingerprint("abcd"), None);
    }
}
