//! The committed header holds every table constant under its CSMAIL_ name, the legacy names as
//! aliases, and the version of Cargo.toml. (That it is exactly what build.rs generates is checked
//! by tests/generated.rs.)

use std::collections::HashMap;

fn header() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/csmail.h")).expect("include/csmail.h")
}

/// `#define NAME VALUE` lines of the header.
fn defines(header: &str) -> HashMap<String, String> {
    header
        .lines()
        .filter_map(|l| l.strip_prefix("#define "))
        .filter_map(|l| l.split_once(' ').map(|(n, v)| (n.to_owned(), v.trim().to_owned())))
        .collect()
}

/// The value of a define, following legacy aliases to their CSMAIL_ name.
fn value(defines: &HashMap<String, String>, name: &str) -> i64 {
    let mut text = defines.get(name).unwrap_or_else(|| panic!("the header lacks {name}")).as_str();
    while let Some(target) = defines.get(text) {
        text = target;
    }
    match text.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16).unwrap(),
        None => text.parse().unwrap_or_else(|_| panic!("{name} = {text}")),
    }
}

#[test]
fn version_matches_cargo_toml() {
    let cargo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let version = cargo
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("Cargo.toml has a version line");
    let parts: Vec<&str> = version.split('.').collect();
    let d = defines(&header());
    assert_eq!(d["CSMAIL_VERSION"], format!("\"{version}\""));
    assert_eq!(d["CSMAIL_VERSION_MAJOR"], parts[0]);
    assert_eq!(d["CSMAIL_VERSION_MINOR"], parts[1]);
    assert_eq!(d["CSMAIL_VERSION_PATCH"], parts[2]);
}

#[test]
fn every_table_constant_is_in_the_header_with_its_value() {
    let d = defines(&header());
    let prefixed = |name: &str| if name.starts_with("CSMAIL_") { name.to_owned() } else { format!("CSMAIL_{name}") };
    let mut checked = 0;
    let mut check = |name: &str, v: i32| {
        assert_eq!(value(&d, &prefixed(name)), v as i64, "{name}");
        assert_eq!(value(&d, name), v as i64, "{name}");
        checked += 1;
    };
    for r in csmail::error::RESULT_CODES {
        check(r.name, r.value);
    }
    for r in csmail::error::EEX_NUMBERS {
        check(r.name, r.value);
    }
    for o in csmail::options::OPTIONS {
        check(o.name, o.index);
    }
    for p in csmail::api::properties::PROPERTIES.iter().chain(csmail::message::SECTION_PROPERTIES) {
        check(p.constant, p.id);
    }
    for g in [
        &csmail::options::SSL_MODES,
        &csmail::options::SSL_PROTOCOLS,
        &csmail::options::SSL_CIPHERS,
        &csmail::options::SSL_HASHES,
        &csmail::options::SSL_EXCHANGES,
        &csmail::options::SSL_GROUPS,
        &csmail::options::CERT_POLICY_FLAGS,
        &csmail::options::CERTIFICATE_STATUSES,
        &csmail::options::OPTION_TYPES,
        &csmail::log::LOG_SEVERITIES,
        &csmail::log::LOG_FACILITIES,
        &csmail::api::properties::AUTH_MECHANISMS,
        &csmail::api::proxyinfo::PROXY_KINDS,
        &csmail::message::MESSAGE_LIMITS,
    ] {
        for r in g.rows {
            check(r.name, r.value);
            for alias in r.aliases {
                assert_eq!(value(&d, alias), r.value as i64, "{alias}");
            }
        }
    }
    assert_eq!(value(&d, "CSMAIL_SECTION_DISPOSITION"), 6);
    assert_eq!(value(&d, "CSMAIL_MESSAGE_MAX_DEPTH"), 32);
    assert!(checked > 190, "{checked} constants checked");
}

/// The names the seeds write, exactly as they write them.
#[test]
fn seed_names_are_defined() {
    let d = defines(&header());
    for (name, v) in [
        ("mailCertificateNone", 0),
        ("mailCertificateValid", 1),
        ("mailCertificateNoMatch", 2),
        ("mailCertificateExpired", 3),
        ("mailCertificateRevoked", 4),
        ("mailCertificateUntrusted", 5),
        ("mailCertificateInvalid", 6),
        ("MODE_CHANNEL", 0),
        ("MODE_STARTTLS", 1),
        ("eexSSLCertName", 1405),
        ("SSL_SKIPJACK", 0x660A),
        ("LOG_S_INFORMATION", 3),
        ("errConnect", csmail::error::CSMAIL_E_CONNECT as i64),
    ] {
        assert_eq!(value(&d, name), v, "{name}");
    }
    assert!(header().contains("typedef CSMAIL_SSL_MODE SSL_MODE;"));
}

/// Every legacy name sits inside the block CSMAIL_NO_LEGACY_NAMES leaves out, and every
/// CSMAIL_ name outside it.
#[test]
fn legacy_names_are_inside_the_guard() {
    let h = header();
    let start = h.find("#if !defined(CSMAIL_NO_LEGACY_NAMES)\n").expect("the guard");
    let end = h.find("#endif /* !CSMAIL_NO_LEGACY_NAMES */").expect("its end");
    for line in h.lines().filter(|l| l.starts_with("#define ")) {
        let name = line.split_whitespace().nth(1).unwrap();
        let at = h.find(line).unwrap();
        let inside = at > start && at < end;
        assert_eq!(inside, !name.starts_with("CSMAIL_"), "{line}");
    }
}
