//! cert_fixtures: serves the certificate fixture set of tests/fixtures (badssl-like: valid, wrong
//! host, expired, self-signed, revoked, ...) for the C certificate matrix, examples-c/cert_matrix.c.
//!
//!   cargo run --example cert_fixtures -- DIR [--stdin-lifetime]
//!
//! It generates the fixtures, serves each one (a bundled csmail-server per fixture on free
//! loopback ports, or `openssl s_server` for the fixtures the Rust matrix serves that way:
//! implicit TLS only), writes what a client needs into DIR, then DIR/ready, and runs until
//! SIGTERM, SIGINT or SIGHUP (with --stdin-lifetime also until EOF on stdin). On the way out
//! the servers are stopped and DIR/ready is removed. examples-c/cert-fixture.sh starts and stops
//! it for ctest.
//!
//! DIR/<fixture>/trust.pem  the CA file the client trusts (SSLCAFile, with SSLNoSystemRoots)
//! DIR/<fixture>/crl.pem    the fixture's CRLs (SSLCRLFile), where it has any
//! DIR/manifest.txt         the cases, below
//! DIR/ready                written last: "pid=<pid>", "fixtures=<n>", "cases=<n>"
//!
//! manifest.txt: lines starting with '#' are comments; every other line is one case (one
//! fixture × one policy × one transport) of 19 fields separated by spaces. A field holding a
//! space, a '"' or a '\', or an empty one, is written in double quotes with '\"' and '\\' as
//! escapes; "-" means none. The fields, in order:
//!
//!   1 fixture        the fixture's name (tests/fixtures/mod.rs)
//!   2 transport      smtps (SMTP implicit TLS), smtp+starttls, pop3s (POP3 implicit TLS),
//!                    pop3+stls; POP3 logs in as alice/alicepass
//!   3 policy         default, no_name_check (SSLNoServerNameCheck), no_validation
//!                    (SSLNoServerCertificateValidation), both (the two), callback (the seed-001
//!                    validation callback), pin (SSLCertificatePin = field 9)
//!   4 host           CSMAIL_PROP_HOST
//!   5 port           CSMAIL_PROP_PORT
//!   6 server_name    SSLServerName, or -
//!   7 trust_file     SSLCAFile (absolute path)
//!   8 crl_file       SSLCRLFile, or -
//!   9 pin            SSLCertificatePin for the pin policy, else -
//!  10 result         the connect's result: CSMAIL_OK or CSMAIL_E_CONNECT
//!  11 eex            ErrorInfo.Number of a refused connect (eexSSLCertName, eexSSLCertificate),
//!                    - when accepted
//!  12 status         SSLCertificateStatus: CERTIFICATE_VALID, CERTIFICATE_NO_MATCH, ...
//!  13 policy_errors  SSLCertificatePolicyErrors: 0, or CERT_POLICY_* names joined by '|'
//!  14 count          SSLCertificateCount
//!  15 subject        SSLCertificateSubject
//!  16 issuer         SSLCertificateIssuer
//!  17 issued         SSLCertificateIssued (ISO 8601 UTC)
//!  18 expires        SSLCertificateExpires
//!  19 fingerprint    SSLCertificateFingerprint (64 lowercase hex digits)
//!  20 seen_status    the status a validation callback sees (the chain and name check's; a
//!                    handshake signature refused afterwards makes field 12 CERTIFICATE_INVALID)
//!  21 seen_flags     the policy errors a validation callback sees
//!
//! Results, numbers and flags are written as the names in csmail.h, so the C side compares
//! against its header's constants. The expectations are tests/fixtures' `expected()`, the very
//! ones tests/certificates.rs asserts; under the callback policy the callback must be called once
//! and see fields 20, 21, 15 and 19.

#[path = "../tests/fixtures/mod.rs"]
mod fixtures;

use csmail::error::{eexSSLCertName, eexSSLCertificate};
use csmail::options::*;
use fixtures::*;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cert_fixtures DIR [--stdin-lifetime]";

/// The field-2 name of a transport.
fn transport_name(t: Transport) -> &'static str {
    match t {
        Transport::SmtpImplicit => "smtps",
        Transport::SmtpStarttls => "smtp+starttls",
        Transport::Pop3Implicit => "pop3s",
        Transport::Pop3Stls => "pop3+stls",
    }
}

/// The field-3 name of a policy.
fn policy_name(p: Policy) -> &'static str {
    match p {
        Policy::Default => "default",
        Policy::NoNameCheck => "no_name_check",
        Policy::NoValidation => "no_validation",
        Policy::Both => "both",
        Policy::Callback => "callback",
        Policy::Pin => "pin",
    }
}

fn eex_name(eex: i32) -> &'static str {
    if eex == eexSSLCertName {
        "eexSSLCertName"
    } else if eex == eexSSLCertificate {
        "eexSSLCertificate"
    } else {
        panic!("no name for eex {eex}")
    }
}

fn status_name(status: i32) -> &'static str {
    match status {
        CERTIFICATE_NONE => "CERTIFICATE_NONE",
        CERTIFICATE_VALID => "CERTIFICATE_VALID",
        CERTIFICATE_NO_MATCH => "CERTIFICATE_NO_MATCH",
        CERTIFICATE_EXPIRED => "CERTIFICATE_EXPIRED",
        CERTIFICATE_REVOKED => "CERTIFICATE_REVOKED",
        CERTIFICATE_UNTRUSTED => "CERTIFICATE_UNTRUSTED",
        CERTIFICATE_INVALID => "CERTIFICATE_INVALID",
        other => panic!("no name for certificate status {other}"),
    }
}

fn flags_name(flags: i32) -> String {
    let names = [
        (CERT_POLICY_NOT_AVAILABLE, "CERT_POLICY_NOT_AVAILABLE"),
        (CERT_POLICY_NAME_MISMATCH, "CERT_POLICY_NAME_MISMATCH"),
        (CERT_POLICY_CHAIN_ERRORS, "CERT_POLICY_CHAIN_ERRORS"),
    ];
    let known = names.iter().fold(0, |all, (bit, _)| all | bit);
    assert_eq!(flags & !known, 0, "unknown policy error flags in {flags:#x}");
    let set: Vec<&str> = names.iter().filter(|(bit, _)| flags & bit != 0).map(|(_, n)| *n).collect();
    if set.is_empty() {
        "0".into()
    } else {
        set.join("|")
    }
}

/// One manifest field: bare when it can be, else in double quotes with \" and \\.
fn field(value: &str) -> String {
    assert!(!value.chars().any(|c| c.is_control()), "control character in manifest field {value:?}");
    if !value.is_empty() && !value.chars().any(|c| c.is_whitespace() || c == '"' || c == '\\') {
        return value.to_owned();
    }
    let mut quoted = String::from("\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

fn path_field(p: &Path) -> String {
    field(p.to_str().expect("DIR is not UTF-8"))
}

/// Writes `content` to `path` through a temporary file and a rename, so that a reader never
/// sees half of it.
fn write_atomically(path: &Path, content: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, content)?;
    std::fs::rename(&tmp, path)
}

/// Blocks the termination signals in this thread and every thread it starts after this, so that
/// `wait_for_signal` receives them; returns the set.
fn block_termination_signals() -> libc::sigset_t {
    // SAFETY: sigset_t is plain data; the calls only write the set and this thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        let rc = libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        assert_eq!(rc, 0, "pthread_sigmask");
        set
    }
}

fn wait_for_signal(set: &libc::sigset_t) -> i32 {
    let mut sig = 0;
    // SAFETY: `set` is initialised; `sig` is writable.
    let rc = unsafe { libc::sigwait(set, &mut sig) };
    assert_eq!(rc, 0, "sigwait");
    sig
}

/// A fixture being served, with the files its clients read.
struct Live {
    fixture: &'static CertFixture,
    serving: Serving,
    trust: PathBuf,
    crl: Option<PathBuf>,
}

fn serve_fixture(f: &'static CertFixture, dir: &Path) -> std::io::Result<Live> {
    let fdir = dir.join(f.name);
    std::fs::create_dir_all(&fdir)?;
    let trust = fdir.join("trust.pem");
    std::fs::write(&trust, &f.trust_pem)?;
    let crl = match &f.crl_pem {
        Some(pem) => {
            let p = fdir.join("crl.pem");
            std::fs::write(&p, pem)?;
            Some(p)
        }
        None => None,
    };
    let serving = serve(f, &fdir);
    Ok(Live { fixture: f, serving, trust, crl })
}

/// The manifest's lines for one fixture: every policy × every transport it is served on.
fn cases(live: &Live, pin: &str, out: &mut String) -> usize {
    let f = live.fixture;
    let mut n = 0;
    for t in TRANSPORTS {
        if f.served == Served::OpensslSServer && !t.implicit() {
            // s_server has no STARTTLS/STLS, as in tests/certificates.rs.
            continue;
        }
        for policy in POLICIES {
            let want = expected(f, policy);
            let (result, eex) = match want.result {
                Ok(()) => ("CSMAIL_OK", "-"),
                Err(eex) => ("CSMAIL_E_CONNECT", eex_name(eex)),
            };
            let fields = [
                field(f.name),
                field(transport_name(t)),
                field(policy_name(policy)),
                field(f.host),
                live.serving.port(t).to_string(),
                field(f.server_name.unwrap_or("-")),
                path_field(&live.trust),
                live.crl.as_deref().map_or_else(|| "-".to_owned(), path_field),
                field(if policy == Policy::Pin { pin } else { "-" }),
                result.to_owned(),
                eex.to_owned(),
                status_name(want.status).to_owned(),
                flags_name(want.policy_errors),
                f.count.to_string(),
                field(&f.leaf.subject),
                field(&f.leaf.issuer),
                field(&f.leaf.issued),
                field(&f.leaf.expires),
                field(&f.leaf.fingerprint),
                status_name(want.seen_by_callback.0).to_owned(),
                flags_name(want.seen_by_callback.1),
            ];
            writeln!(out, "{}", fields.join(" ")).unwrap();
            n += 1;
        }
    }
    n
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, stdin_lifetime) = match args.as_slice() {
        [dir] if !dir.starts_with('-') => (PathBuf::from(dir), false),
        [dir, flag] if flag == "--stdin-lifetime" => (PathBuf::from(dir), true),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Before any thread starts: the servers' threads inherit the mask, so only sigwait below
    // receives the signals.
    let signals = block_termination_signals();
    let started = Instant::now();

    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cert_fixtures: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let dir = match dir.canonicalize() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cert_fixtures: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let ready = dir.join("ready");
    let manifest = dir.join("manifest.txt");
    for stale in [&ready, &manifest] {
        if let Err(e) = std::fs::remove_file(stale) {
            if e.kind() != std::io::ErrorKind::NotFound {
                eprintln!("cert_fixtures: cannot remove {}: {e}", stale.display());
                return ExitCode::FAILURE;
            }
        }
    }

    let fx = fixtures();
    let generated = started.elapsed();
    let mut live = Vec::new();
    for f in &fx.all {
        match serve_fixture(f, &dir) {
            Ok(l) => live.push(l),
            Err(e) => {
                eprintln!("cert_fixtures: cannot write the files of {} in {}: {e}", f.name, dir.display());
                return ExitCode::FAILURE;
            }
        }
    }

    let pin = pin_text();
    let mut text = String::new();
    text.push_str(concat!(
        "# csmail certificate matrix (examples/cert_fixtures.rs describes the fields)\n",
        "# fixture transport policy host port server_name trust_file crl_file pin result eex status ",
        "policy_errors count subject issuer issued expires fingerprint seen_status seen_flags\n"
    ));
    let mut total = 0;
    for l in &live {
        let n = cases(l, &pin, &mut text);
        let how = match l.fixture.served {
            Served::Rustls => format!(
                "csmail-server smtps={} smtp={} pop3s={} pop3={}",
                l.serving.smtps, l.serving.smtp, l.serving.pop3s, l.serving.pop3
            ),
            Served::OpensslSServer => format!("openssl s_server port {} (implicit TLS only)", l.serving.smtps),
        };
        println!("cert_fixtures: {:<24} {n:>2} cases, {how}", l.fixture.name);
        total += n;
    }
    if let Err(e) = write_atomically(&manifest, &text) {
        eprintln!("cert_fixtures: cannot write {}: {e}", manifest.display());
        return ExitCode::FAILURE;
    }
    let pid = std::process::id();
    if let Err(e) = write_atomically(&ready, &format!("pid={pid}\nfixtures={}\ncases={total}\n", live.len())) {
        eprintln!("cert_fixtures: cannot write {}: {e}", ready.display());
        return ExitCode::FAILURE;
    }
    println!(
        "cert_fixtures: {} fixtures, {total} cases in {} (generated in {:.1} s, serving after {:.1} s); pid {pid}",
        live.len(),
        manifest.display(),
        generated.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    if stdin_lifetime {
        std::thread::spawn(move || {
            let mut sink = [0u8; 4096];
            let mut stdin = std::io::stdin().lock();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            // SAFETY: signals this process; the main thread takes it in sigwait.
            unsafe { libc::kill(libc::getpid(), libc::SIGTERM) };
        });
    }
    let sig = wait_for_signal(&signals);
    println!("cert_fixtures: signal {sig}, stopping");
    let _ = std::fs::remove_file(&ready);
    drop(live);
    println!("cert_fixtures: stopped");
    ExitCode::SUCCESS
}
