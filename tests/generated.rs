//! The generated files must be exactly what build.rs generates from the tables in src/tables/:
//! the header, the README (its tables between the GENERATED markers) and the bindings' constant
//! files. `CSMAIL_REGENERATE=1 cargo test --test generated` copies the fresh ones over them.

use std::path::Path;

/// (committed file, generated file).
fn files() -> Vec<(String, String)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let generated = env!("CSMAIL_GENERATED_DIR");
    let mut files = vec![(format!("{root}/include/csmail.h"), env!("CSMAIL_GENERATED_HEADER").to_owned())];
    for path in ["README.md", "bindings/python/csmail/_constants.py", "bindings/vb/CSMailConstants.bas"] {
        files.push((format!("{root}/{path}"), format!("{generated}/{path}")));
    }
    files
}

#[test]
fn committed_files_match_generated() {
    let regenerate = std::env::var_os("CSMAIL_REGENERATE").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (committed, generated) in files() {
        let fresh = std::fs::read(&generated).unwrap_or_else(|e| panic!("{generated}: {e}"));
        if std::fs::read(&committed).ok().as_deref() == Some(&fresh[..]) {
            continue;
        }
        if regenerate {
            std::fs::create_dir_all(Path::new(&committed).parent().unwrap()).unwrap();
            std::fs::write(&committed, &fresh).unwrap_or_else(|e| panic!("{committed}: {e}"));
            eprintln!("regenerated {committed}");
        } else {
            stale.push(committed);
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}; run `CSMAIL_REGENERATE=1 cargo test --test generated` and commit"
    );
}

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The Python constants execute and hold the values of the Rust constants.
#[test]
fn python_constants_execute_with_the_table_values() {
    let path = format!("{}/bindings/python/csmail/_constants.py", env!("CARGO_MANIFEST_DIR"));
    let script = format!(
        "import runpy; c = runpy.run_path({path:?}); print(c['CSMAIL_eexSSLCertName'], c['eexSSLCertName'], \
         c['SSL_MD5'], c['mailCertificateUntrusted'], c['CSMAIL_LOG_F_ALL'], c['errConnect'], \
         c['SSLNoServerNameCheck'], c['CSMAIL_PROP_PROXY_REMOTE_DNS'], c['CSMAIL_SECTION_DISPOSITION'], \
         c['CSMAIL_MESSAGE_MAX_PARTS'], c['CSMAIL_VERSION'])"
    );
    let out = std::process::Command::new("python3").args(["-c", &script]).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!(
            "{} {} {} {} {} {} {} {} {} {} {}",
            csmail::error::eexSSLCertName,
            csmail::error::eexSSLCertName,
            csmail::options::SSL_MD5,
            csmail::options::CERTIFICATE_UNTRUSTED,
            csmail::log::LOG_F_ALL,
            csmail::error::CSMAIL_E_CONNECT,
            csmail::options::SSLNoServerNameCheck,
            csmail::api::properties::CSMAIL_PROP_PROXY_REMOTE_DNS,
            csmail::message::CSMAIL_SECTION_DISPOSITION,
            csmail::message::CSMAIL_MESSAGE_MAX_PARTS,
            env!("CARGO_PKG_VERSION"),
        )
    );
}

/// VB is case-insensitive: no two names of the module may differ only in case, and every
/// constant is a Long, hex ones with the `&` suffix (else VB reads &H8003 as a negative Integer).
#[test]
fn vb_constants_are_distinct_longs() {
    let vb = read("bindings/vb/CSMailConstants.bas");
    assert!(vb.starts_with("Attribute VB_Name = \"CSMailConstants\"\r\n"));
    assert!(!vb.replace("\r\n", "").contains('\n'), "VB modules have CRLF line ends");
    let mut seen = std::collections::HashMap::new();
    for line in vb.lines().filter(|l| l.starts_with("Public Const ")) {
        let mut words = line.split_whitespace().skip(2);
        let name = words.next().unwrap();
        let typ = (words.next(), words.next());
        assert!(matches!(typ, (Some("As"), Some("Long" | "String"))), "{line}");
        if let Some(value) = line.split(" = ").nth(1) {
            if value.starts_with("&H") {
                assert!(value.ends_with('&'), "{line}");
            }
        }
        if let Some(other) = seen.insert(name.to_lowercase(), name.to_owned()) {
            panic!("{name} and {other} differ only in case");
        }
    }
    assert_eq!(seen.get("ssl_md5").map(String::as_str), Some("SSL_MD5"));
    assert!(vb.contains("Public Const CSMAIL_SSL_MD5 As Long = &H8003&\r\n"));
    assert!(vb.contains("Public Const CSMAIL_SECTION_CONTENT_TYPE As Long = 1\r\n"));
    assert!(vb.contains("Public Const CSMAIL_MESSAGE_MAX_DEPTH As Long = 32\r\n"));
    assert!(vb.contains("Public Const mailCertificateNone As Long = CSMAIL_CERTIFICATE_NONE\r\n"));
}

/// The README's tables list every row: the eex table goes past 1515 to the last number.
#[test]
fn readme_tables_list_every_row() {
    let readme = read("README.md");
    for row in csmail::error::EEX_NUMBERS {
        assert!(readme.contains(&format!("| {} | `{}` ", row.value, row.name)), "README lacks {}", row.name);
    }
    for row in csmail::options::OPTIONS {
        assert!(readme.contains(&format!("| {} | `{}` |", row.index, row.name)), "README lacks {}", row.name);
    }
    for row in csmail::api::properties::PROPERTIES.iter().chain(csmail::message::SECTION_PROPERTIES) {
        assert!(readme.contains(&format!("| {} | `{}` |", row.id, row.constant)), "README lacks {}", row.constant);
    }
    for row in csmail::error::RESULT_CODES {
        assert!(readme.contains(&format!("| `{}`", row.name)), "README lacks {}", row.name);
    }
    for row in csmail::options::SSL_CIPHERS.rows {
        assert!(readme.contains(&format!("`{}` {}", row.name, row.literal)), "README lacks {}", row.name);
    }
    for row in csmail::message::MESSAGE_LIMITS.rows {
        assert!(readme.contains(&format!("`{}` {}", row.name, row.literal)), "README lacks {}", row.name);
    }
    // An expression in the table is shown by its value.
    assert!(readme.contains(&format!("`LOG_F_ALL` {}", csmail::log::LOG_F_ALL)), "README lacks LOG_F_ALL");
}
