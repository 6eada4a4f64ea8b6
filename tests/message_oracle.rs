//! An independent oracle: Python's `email` package (policy `default`, tests/mime_oracle.py)
//! reads what csmail composes, and csmail reads what Python composes and a set of real-world-like
//! samples (tests/mime-samples: nested alternative and related, non-UTF-8 charsets, RFC 2231
//! names, broken MIME); every field, part and attachment must agree.
//!
//! Without python3 these tests fail with instructions; set CSMAIL_SKIP_PYTHON_ORACLE=1 to skip
//! them, which they then say loudly.

mod message_fixture;

use csmail::message::Message;
use message_fixture::rich_message;
use std::path::{Path, PathBuf};
use std::process::Command;

const ADDRESS_HEADERS: [&str; 6] = ["From", "Sender", "Reply-To", "To", "Cc", "Bcc"];

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mime_oracle.py")
}

/// python3, or None when the oracle is skipped on purpose.
fn python() -> Option<&'static str> {
    let found = Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success());
    if found {
        return Some("python3");
    }
    if std::env::var_os("CSMAIL_SKIP_PYTHON_ORACLE").is_some() {
        eprintln!("SKIPPED: python3 is not installed; the Python email oracle did not run (CSMAIL_SKIP_PYTHON_ORACLE)");
        return None;
    }
    panic!("python3 is needed for the MIME oracle: install it, or set CSMAIL_SKIP_PYTHON_ORACLE=1 to skip these tests");
}

fn run_oracle(py: &str, mode: &str, file: &Path) -> String {
    let out = Command::new(py).arg(script()).arg(mode).arg(file).output().expect("python3 runs");
    assert!(out.status.success(), "mime_oracle.py {mode} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("the oracle prints ASCII")
}

fn hx(b: &[u8]) -> String {
    hex::encode(b)
}

/// What csmail reads in a message, in the oracle's format.
fn describe(m: &Message) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(s) = m.subject() {
        out.push(format!("S\t{}", hx(s.as_bytes())));
    }
    if let Some(id) = m.message_id() {
        out.push(format!("I\t{}", hx(id.as_bytes())));
    }
    for h in ADDRESS_HEADERS {
        for a in m.addresses(h) {
            out.push(format!("A\t{h}\t{}\t{}", hx(a.name.unwrap_or_default().as_bytes()), hx(a.address.as_bytes())));
        }
    }
    for s in m.sections() {
        out.push(format!(
            "P\t{}\t{}\t{}\t{}\t{}\t{}",
            s.content_type(),
            hx(s.file_name().unwrap_or_default().as_bytes()),
            hx(s.content_id().unwrap_or_default().as_bytes()),
            s.disposition().unwrap_or_default(),
            s.charset().unwrap_or_default().to_ascii_lowercase(),
            hx(&s.content().unwrap()),
        ));
    }
    out
}

/// Line ends of text parts are the transport's: both sides compare them as LF.
fn normalize(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            if f[0] == "P" && f[1].starts_with("text/") {
                let content = hex::decode(f[6]).unwrap();
                let mut norm = Vec::with_capacity(content.len());
                let mut i = 0;
                while i < content.len() {
                    if content[i] == b'\r' && content.get(i + 1) == Some(&b'\n') {
                        i += 1;
                        continue;
                    }
                    norm.push(content[i]);
                    i += 1;
                }
                let mut g: Vec<String> = f.iter().map(|s| s.to_string()).collect();
                g[6] = hx(&norm);
                g.join("\t")
            } else {
                l.clone()
            }
        })
        .collect()
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_owned).collect()
}

fn assert_agree(python: &[String], csmail: &[String], what: &str) {
    let (p, c) = (normalize(python), normalize(csmail));
    if p != c {
        let mut report = String::new();
        for i in 0..p.len().max(c.len()) {
            let (a, b) = (p.get(i).map_or("-", |s| s.as_str()), c.get(i).map_or("-", |s| s.as_str()));
            if a != b {
                report +=
                    &format!("line {i}:\n  python: {}\n  csmail: {}\n", &a[..a.len().min(300)], &b[..b.len().min(300)]);
            }
        }
        panic!("{what}: Python and csmail disagree\n{report}");
    }
}

#[test]
fn python_reads_what_csmail_composes() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (m, _, _) = rich_message(dir.path());
    let file = dir.path().join("csmail.eml");
    m.save_to_file(file.to_str().unwrap()).unwrap();
    // Compared with the model csmail composed from, not with csmail's reading of the bytes.
    let theirs = lines(&run_oracle(py, "describe", &file));
    assert_agree(&theirs, &describe(&m), "a message composed by csmail");
    assert_eq!(theirs.iter().filter(|l| l.starts_with("P\t")).count(), 5);
    // And what is sent (no Bcc) too.
    let sent = dir.path().join("sent.eml");
    let mut src = m.source(false).unwrap();
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; 8192];
    loop {
        let n = src.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buf[..n]);
    }
    std::fs::write(&sent, &bytes).unwrap();
    let theirs = lines(&run_oracle(py, "describe", &sent));
    let ours: Vec<String> = describe(&m).into_iter().filter(|l| !l.starts_with("A\tBcc")).collect();
    assert_agree(&theirs, &ours, "a message as csmail sends it");
}

#[test]
fn csmail_reads_what_python_composes() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("python.eml");
    run_oracle(py, "compose", &file);
    let theirs = lines(&run_oracle(py, "describe", &file));
    let m = Message::new();
    m.load_from_file(file.to_str().unwrap()).unwrap();
    assert_agree(&theirs, &describe(&m), "a message composed by Python");
    // The facts themselves, to be sure both did not agree on nothing.
    assert_eq!(m.addresses("From")[0].name.as_deref(), Some("Zoë Ållen"));
    assert_eq!(m.addresses("To")[0].name.as_deref(), Some("Smith, John"));
    assert_eq!(
        m.subject().as_deref(),
        Some("Grüße aus Python — ünïcödé subject that is long enough to be folded over lines")
    );
    let att = m.attachments();
    assert_eq!(
        att[att.len() - 2].file_name().as_deref(),
        Some("Übersicht über das lange Jahresergebnis mit vielen Wörtern im Namen.pdf")
    );
    assert_eq!(
        att[att.len() - 1].content().unwrap(),
        "Latin-1 text: café crème\n".chars().map(|c| c as u8).collect::<Vec<u8>>()
    );
    assert_eq!(att[att.len() - 1].text().unwrap(), "Latin-1 text: café crème\n");
}

#[test]
fn csmail_and_python_agree_on_real_world_samples() {
    let Some(py) = python() else { return };
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mime-samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&samples).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 5, "samples missing in {}", samples.display());
    for f in files {
        let theirs = lines(&run_oracle(py, "describe", &f));
        let raw = std::fs::read(&f).unwrap();
        let m = Message::from_bytes(raw.clone());
        assert_agree(&theirs, &describe(&m), &f.display().to_string());
        assert!(m.data().unwrap().as_slice() == raw.as_slice(), "{}: the bytes stay as read", f.display());
    }
}
