//! Certificates: the badssl-like fixture set (tests/fixtures) against every policy, over SMTP
//! and POP3 in both modes; revocation; client certificates; the seed-003 store rules.
//!
//! The matrix: each fixture × {default, SSLNoServerNameCheck, SSLNoServerCertificateValidation,
//! both, a seed-001 validation callback, a pin of the self-signed fixture} × {SMTP implicit TLS,
//! SMTP STARTTLS, POP3 implicit TLS, POP3 STLS}. Every case checks the connect's result and eex
//! (Appendix A: eexSSLCertName for a name the policy refuses, eexSSLCertificate for any other
//! certificate refusal), the ErrorInfo, and every certificate output of SSLInfo (status, policy
//! errors, subject, issuer, issued, expires, fingerprint, count), whether the connection was
//! accepted or refused; an accepted connection must go on (RSET/NOOP, QUIT).
//!
//! Known differences from the legacy (SChannel) library, asserted as csmail behaves:
//! - a certificate without a SAN is not matched by its CN (rustls follows RFC 6125/CA-B Forum):
//!   `cn_only` gives CERTIFICATE_NO_MATCH;
//! - "not yet valid" reports CERTIFICATE_EXPIRED (seed 000 has no separate status);
//! - ring neither serves nor verifies RSA keys under 2048 bits: an RSA-1024 server (here
//!   `openssl s_server`) cannot prove it holds its key, so no policy can accept it;
//! - a certificate with an unknown critical extension cannot be parsed by webpki, so its
//!   handshake signature cannot be checked either: no policy can accept it.
// Shared result collectors in tests are spelled out where they are used.
#![allow(clippy::type_complexity)]

mod common;
mod fixtures;

use common::*;
use csmail::api::properties::*;
use csmail::api::ValidationInput;
use csmail::api::{AdvancedHandler, ErrorInfo, Pop3Client, SmtpClient, SslInfo};
use csmail::error::{
    eexSSLCertName, eexSSLCertificate, eexSSLProtocol, eexStartTlsNotOffered, eexTlsConfig, CSMAIL_E_CONNECT,
    CSMAIL_E_TLS_CONFIG,
};
use csmail::log::*;
use csmail::options::*;
use csmail::store::{self, Usage};
use csmail_server::{CertStore, RunningServer, ServerOptions};
use fixtures::*;
use parking_lot::Mutex;
use std::path::{Path, PathBuf};
use std::sync::Arc;

// ---------------------------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------------------------

enum Client {
    Smtp(SmtpClient),
    Pop3(Pop3Client),
}

impl Client {
    fn new(t: Transport, host: &str, port: u16, ssl: &Arc<SslInfo>) -> Client {
        let c = match t {
            Transport::SmtpImplicit | Transport::SmtpStarttls => Client::Smtp(SmtpClient::new()),
            Transport::Pop3Implicit | Transport::Pop3Stls => {
                let p = Pop3Client::new();
                p.set_str(CSMAIL_PROP_USER, "alice").unwrap();
                p.set_str(CSMAIL_PROP_PASSWORD, "alicepass").unwrap();
                Client::Pop3(p)
            }
        };
        c.set_str(CSMAIL_PROP_HOST, host);
        c.set_int(CSMAIL_PROP_PORT, port as i32);
        c.set_int(CSMAIL_PROP_TIMEOUT_MS, 10_000);
        c.handler(AdvancedHandler::Ssl(ssl.clone()));
        c
    }
    fn set_str(&self, p: i32, v: &str) {
        match self {
            Client::Smtp(c) => c.set_str(p, v).unwrap(),
            Client::Pop3(c) => c.set_str(p, v).unwrap(),
        }
    }
    fn set_int(&self, p: i32, v: i32) {
        match self {
            Client::Smtp(c) => c.set_int(p, v).unwrap(),
            Client::Pop3(c) => c.set_int(p, v).unwrap(),
        }
    }
    fn get_int(&self, p: i32) -> i32 {
        match self {
            Client::Smtp(c) => c.get_int(p).unwrap(),
            Client::Pop3(c) => c.get_int(p).unwrap(),
        }
    }
    fn handler(&self, h: AdvancedHandler) {
        match self {
            Client::Smtp(c) => c.set_advanced_handler(h).unwrap(),
            Client::Pop3(c) => c.set_advanced_handler(h).unwrap(),
        }
    }
    fn connect(&self) -> csmail::Result<()> {
        match self {
            Client::Smtp(c) => c.connect(),
            Client::Pop3(c) => c.connect(),
        }
    }
    fn extended_error(&self) -> ErrorInfo {
        match self {
            Client::Smtp(c) => c.extended_error(),
            Client::Pop3(c) => c.extended_error(),
        }
    }
    /// A command after the handshake (RSET / NOOP), then QUIT.
    fn carry_on(&self) -> csmail::Result<()> {
        match self {
            Client::Smtp(c) => {
                c.reset()?;
                c.disconnect()
            }
            Client::Pop3(c) => {
                c.noop()?;
                c.disconnect().map(|_| ())
            }
        }
    }
}

/// An SSLInfo for `mode` trusting only `trust_file`.
fn ssl_for(mode: i32, trust_file: &Path) -> Arc<SslInfo> {
    let ssl = Arc::new(SslInfo::new());
    ssl.set_mode(mode).unwrap();
    ssl.set_str(SSLCAFile, trust_file.to_str().unwrap()).unwrap();
    ssl.set_int(SSLNoSystemRoots, 1).unwrap();
    ssl
}

/// What a validation callback saw: (status, policy errors, subject, SHA-256 of the DER).
type Seen = Arc<Mutex<Vec<(i32, i32, String, String)>>>;

fn apply_policy(ssl: &SslInfo, policy: Policy) -> Seen {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    match policy {
        Policy::Default => {}
        Policy::NoNameCheck => ssl.set_int(SSLNoServerNameCheck, 1).unwrap(),
        Policy::NoValidation => ssl.set_int(SSLNoServerCertificateValidation, 1).unwrap(),
        Policy::Both => {
            ssl.set_int(SSLNoServerNameCheck, 1).unwrap();
            ssl.set_int(SSLNoServerCertificateValidation, 1).unwrap();
        }
        Policy::Callback => {
            let s = seen.clone();
            ssl.set_validator(Some(Arc::new(move |v: &ValidationInput| {
                s.lock().push((v.status, v.policy_errors, v.details.subject.clone(), sha256_hex(v.der)));
                seed001_accepts(v.status, v.policy_errors)
            })))
            .unwrap();
        }
        Policy::Pin => ssl.set_str(SSLCertificatePin, &pin_text()).unwrap(),
    }
    seen
}

/// Checks every certificate output of `ssl` against the fixture and the expected verdict.
fn check_outputs(ssl: &SslInfo, f: &CertFixture, status: i32, policy_errors: i32, problems: &mut Vec<String>) {
    let mut eq = |what: &str, got: String, want: String| {
        if got != want {
            problems.push(format!("{what}: got {got:?}, want {want:?}"));
        }
    };
    eq("SSLCertificateStatus", ssl.get_int(SSLCertificateStatus).unwrap().to_string(), status.to_string());
    eq(
        "SSLCertificatePolicyErrors",
        ssl.get_int(SSLCertificatePolicyErrors).unwrap().to_string(),
        policy_errors.to_string(),
    );
    eq("SSLCertificateSubject", ssl.get_str(SSLCertificateSubject).unwrap(), f.leaf.subject.clone());
    eq("SSLCertificateIssuer", ssl.get_str(SSLCertificateIssuer).unwrap(), f.leaf.issuer.clone());
    eq("SSLCertificateIssued", ssl.get_str(SSLCertificateIssued).unwrap(), f.leaf.issued.clone());
    eq("SSLCertificateExpires", ssl.get_str(SSLCertificateExpires).unwrap(), f.leaf.expires.clone());
    eq("SSLCertificateFingerprint", ssl.get_str(SSLCertificateFingerprint).unwrap(), f.leaf.fingerprint.clone());
    eq("SSLCertificateCount", ssl.get_int(SSLCertificateCount).unwrap().to_string(), f.count.to_string());
}

/// One connect of the matrix; returns what went wrong, if anything.
fn run_case(f: &CertFixture, files: &CaseFiles, served: &Serving, t: Transport, policy: Policy) -> Vec<String> {
    let want = expected(f, policy);
    let ssl = ssl_for(t.mode(), &files.trust);
    if let Some(name) = f.server_name {
        ssl.set_str(SSLServerName, name).unwrap();
    }
    if let Some(crl) = &files.crl {
        ssl.set_str(SSLCRLFile, crl.to_str().unwrap()).unwrap();
    }
    let seen = apply_policy(&ssl, policy);
    let client = Client::new(t, f.host, served.port(t), &ssl);
    let r = client.connect();
    let mut problems = Vec::new();
    match (&r, want.result) {
        (Ok(()), Ok(())) => {}
        (Err(e), Err(eex)) => {
            if (e.result, e.eex) != (CSMAIL_E_CONNECT, eex) {
                problems.push(format!("refused with ({}, {}), want (CSMAIL_E_CONNECT, {eex}): {e}", e.result, e.eex));
            }
        }
        (Ok(()), Err(eex)) => problems.push(format!("accepted, want refusal with eex {eex}")),
        (Err(e), Ok(())) => problems.push(format!("refused ({}, {}): {e}; want accepted", e.result, e.eex)),
    }
    let info = client.extended_error();
    let want_number = want.result.err().unwrap_or(0);
    if r.is_err() && info.number != r.as_ref().unwrap_err().eex {
        problems.push(format!("ErrorInfo.Number {} differs from the error's eex", info.number));
    } else if info.number != want_number && r.is_err() == want.result.is_err() {
        problems.push(format!("ErrorInfo.Number {}, want {want_number}", info.number));
    }
    check_outputs(&ssl, f, want.status, want.policy_errors, &mut problems);
    let protocol = ssl.get_int(SSLConnectionProtocolOut).unwrap();
    if r.is_ok() {
        if !matches!(protocol, SSL_TLS12 | SSL_TLS13) {
            problems.push(format!("SSLConnectionProtocolOut {protocol:#x} after an accepted connect"));
        }
        if client.get_int(CSMAIL_PROP_TLS_ACTIVE) != 1 {
            problems.push("TLS not active after an accepted connect".into());
        }
        if let Err(e) = client.carry_on() {
            problems.push(format!("the accepted connection does not go on: {e}"));
        }
    } else {
        if protocol != 0 {
            problems.push(format!("SSLConnectionProtocolOut {protocol:#x} after a refused connect"));
        }
        if client.get_int(CSMAIL_PROP_CONNECTED) != 0 {
            problems.push("still connected after a refused connect".into());
        }
    }
    if policy == Policy::Callback {
        let seen = seen.lock();
        let (seen_status, seen_flags) = want.seen_by_callback;
        let want_seen = vec![(seen_status, seen_flags, f.leaf.subject.clone(), f.leaf.fingerprint.clone())];
        if *seen != want_seen {
            problems.push(format!("the callback saw {seen:?}, want {want_seen:?}"));
        }
    }
    problems.into_iter().map(|p| format!("{} / {policy:?} / {t:?}: {p}", f.name)).collect()
}

/// The files a fixture's clients read: the trust file and the CRLs.
struct CaseFiles {
    _dir: tempfile::TempDir,
    trust: PathBuf,
    crl: Option<PathBuf>,
}

fn case_files(f: &CertFixture) -> CaseFiles {
    let dir = tempfile::tempdir().unwrap();
    let trust = dir.path().join("trust.pem");
    std::fs::write(&trust, &f.trust_pem).unwrap();
    let crl = f.crl_pem.as_ref().map(|pem| {
        let p = dir.path().join("crl.pem");
        std::fs::write(&p, pem).unwrap();
        p
    });
    CaseFiles { _dir: dir, trust, crl }
}

/// Every policy × every transport the fixture can be served on.
fn run_matrix(name: &str) {
    let f = fixtures().get(name);
    let files = case_files(f);
    let served = serve(f, files._dir.path());
    let mut problems = Vec::new();
    let mut cases = 0;
    for t in TRANSPORTS {
        if f.served == fixtures::Served::OpensslSServer && !t.implicit() {
            // s_server has no STARTTLS/STLS; implicit TLS shows the handshake outcome.
            continue;
        }
        for policy in POLICIES {
            problems.extend(run_case(f, &files, &served, t, policy));
            cases += 1;
        }
    }
    assert!(cases >= 12);
    assert!(problems.is_empty(), "{} of {cases} cases wrong:\n{}", problems.len(), problems.join("\n"));
}

macro_rules! matrix {
    ($($name:ident),* $(,)?) => {
        mod matrix {
            $(
                #[test]
                fn $name() {
                    super::run_matrix(stringify!($name));
                }
            )*
        }
    };
}

matrix!(
    valid,
    wrong_host,
    expired,
    not_yet_valid,
    expired_wrong_host,
    self_signed,
    self_signed_wrong_host,
    untrusted_root,
    missing_intermediate,
    revoked,
    revoked_intermediate,
    wildcard,
    wildcard_too_deep,
    ip_san,
    ip_host_dns_certificate,
    cn_only,
    critical_extension,
    sha1,
    rsa1024,
);

/// Every fixture has a row in the matrix and a judgement.
#[test]
fn every_fixture_is_in_the_matrix() {
    let names: Vec<&str> = fixtures().all.iter().map(|f| f.name).collect();
    let source = include_str!("certificates.rs");
    for n in &names {
        let _ = judgement(n);
        assert!(source.contains(&format!("\n    {n},\n")), "fixture {n} is not in matrix!");
    }
    assert_eq!(names.len(), 19);
}

/// The expected table agrees with the README: with several problems the chain wins.
#[test]
fn expectations_follow_the_documented_precedence() {
    let f = fixtures().get("expired_wrong_host");
    assert_eq!(
        expected(f, Policy::Default),
        Expected {
            status: CERTIFICATE_EXPIRED,
            policy_errors: CERT_POLICY_CHAIN_ERRORS | CERT_POLICY_NAME_MISMATCH,
            result: Err(eexSSLCertificate),
            seen_by_callback: (CERTIFICATE_EXPIRED, CERT_POLICY_CHAIN_ERRORS | CERT_POLICY_NAME_MISMATCH),
        }
    );
    assert_eq!(expected(f, Policy::NoValidation).result, Err(eexSSLCertName));
    assert_eq!(expected(f, Policy::NoNameCheck).result, Err(eexSSLCertificate));
    assert_eq!(expected(f, Policy::Both).result, Ok(()));
    assert_eq!(expected(fixtures().get("self_signed_wrong_host"), Policy::Callback).result, Ok(()));
    assert_eq!(expected(fixtures().get("self_signed"), Policy::Pin).status, CERTIFICATE_VALID);
}

// ---------------------------------------------------------------------------------------------
// Revocation options
// ---------------------------------------------------------------------------------------------

/// One SMTP connect (implicit TLS) to `f` served by `served` with `ssl`.
fn smtp_connect(f: &CertFixture, served: &Serving, ssl: &Arc<SslInfo>) -> (csmail::Result<()>, Client) {
    let c = Client::new(Transport::SmtpImplicit, f.host, served.port(Transport::SmtpImplicit), ssl);
    let r = c.connect();
    (r, c)
}

/// Defect 3: a certificate whose chain and name are fine but whose key cannot prove the
/// handshake signature (RSA-1024, which the TLS engine refuses) is CERTIFICATE_INVALID with the
/// chain flag, and the text says why in words, whatever the policy waives.
#[test]
fn rsa1024_refusal_says_the_key_cannot_prove_the_handshake_signature() {
    let f = fixtures().get("rsa1024");
    let files = case_files(f);
    let served = serve(f, files._dir.path());
    for waive in [false, true] {
        let ssl = ssl_for(MODE_CHANNEL, &files.trust);
        if waive {
            ssl.set_int(SSLNoServerCertificateValidation, 1).unwrap();
            ssl.set_int(SSLNoServerNameCheck, 1).unwrap();
        }
        let (r, c) = smtp_connect(f, &served, &ssl);
        let e = expect_err(r, CSMAIL_E_CONNECT, eexSSLCertificate);
        assert!(
            e.text.starts_with(
                "the server's certificate cannot be used: its key could not prove the server's handshake signature ("
            ),
            "waive={waive}: {e}"
        );
        assert!(
            e.text.ends_with("); the key is of a kind or size this TLS engine refuses (such as RSA under 2048 bits), or the signature is wrong"),
            "waive={waive}: {e}"
        );
        assert_eq!(c.extended_error().text, e.text);
        assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_INVALID, "waive={waive}");
        assert_eq!(ssl.get_int(SSLCertificatePolicyErrors).unwrap(), CERT_POLICY_CHAIN_ERRORS, "waive={waive}");
    }
}

#[test]
fn revoked_intermediate_is_accepted_when_only_the_end_entity_is_checked() {
    let f = fixtures().get("revoked_intermediate");
    let files = case_files(f);
    let served = serve(f, files._dir.path());
    let crl = files.crl.as_ref().unwrap().to_str().unwrap();
    for (check_all, check_end, accepted) in [(1, 0, false), (1, 1, true), (0, 0, true), (0, 1, true)] {
        for t in TRANSPORTS {
            let ssl = ssl_for(t.mode(), &files.trust);
            ssl.set_str(SSLCRLFile, crl).unwrap();
            ssl.set_int(SSLRevocationCheckAll, check_all).unwrap();
            ssl.set_int(SSLRevocationCheckEnd, check_end).unwrap();
            let c = Client::new(t, f.host, served.port(t), &ssl);
            let r = c.connect();
            let what = format!("CheckAll={check_all} CheckEnd={check_end} {t:?}");
            let mut problems = Vec::new();
            if accepted {
                assert!(r.is_ok(), "{what}: {r:?}");
                check_outputs(&ssl, f, CERTIFICATE_VALID, 0, &mut problems);
                c.carry_on().unwrap();
            } else {
                expect_err(r, CSMAIL_E_CONNECT, eexSSLCertificate);
                check_outputs(&ssl, f, CERTIFICATE_REVOKED, CERT_POLICY_CHAIN_ERRORS, &mut problems);
            }
            assert!(problems.is_empty(), "{what}: {problems:?}");
        }
    }
}

#[test]
fn revoked_leaf_is_refused_whatever_depth_and_accepted_without_crl() {
    let f = fixtures().get("revoked");
    let files = case_files(f);
    let served = serve(f, files._dir.path());
    for check_end in [0, 1] {
        let ssl = ssl_for(MODE_CHANNEL, &files.trust);
        ssl.set_str(SSLCRLFile, files.crl.as_ref().unwrap().to_str().unwrap()).unwrap();
        ssl.set_int(SSLRevocationCheckEnd, check_end).unwrap();
        let (r, _c) = smtp_connect(f, &served, &ssl);
        let e = expect_err(r, CSMAIL_E_CONNECT, eexSSLCertificate);
        assert!(e.text.starts_with("the server's certificate is revoked: a CRL in SSLCRLFile lists it"), "{e}");
        assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_REVOKED);
    }
    // Without the CRL nothing says it is revoked.
    let ssl = ssl_for(MODE_CHANNEL, &files.trust);
    let (r, c) = smtp_connect(f, &served, &ssl);
    r.unwrap();
    assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID);
    c.carry_on().unwrap();
}

#[test]
fn expired_crl_is_logged_as_a_warning_and_still_counts() {
    let fx = fixtures();
    let f = fx.get("valid");
    let files = case_files(f);
    let served = serve(f, files._dir.path());
    let dir = files._dir.path();
    // An expired CRL of the intermediate, revoking nothing the server sends, and the root's.
    let stale = dir.join("stale.pem");
    std::fs::write(&stale, fx.intermediate.crl(EXPIRED_FROM, EXPIRED_TO, &[&[0x7f]]) + &fx.root_crl).unwrap();

    // SSLRevocationIgnoreRO (default 1): an out-of-date CRL is used, with a warning.
    let ssl = ssl_for(MODE_CHANNEL, &files.trust);
    ssl.set_str(SSLCRLFile, stale.to_str().unwrap()).unwrap();
    let (log, lines) = collecting_log();
    let c = Client::new(Transport::SmtpImplicit, f.host, served.smtps, &ssl);
    c.handler(AdvancedHandler::Log(log));
    c.connect().unwrap();
    assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID);
    c.carry_on().unwrap();
    let lines = lines.lock().clone();
    let warning = lines
        .iter()
        .find(|(s, fac, m)| *s == LOG_S_WARNING && *fac == LOG_F_SSL && m.contains("expired"))
        .unwrap_or_else(|| panic!("no SSL warning about the expired CRL: {lines:#?}"));
    assert!(warning.2.contains(&format!("expired at {EXPIRED_TO}")), "{warning:?}");

    // SSLRevocationIgnoreRO = 0: an out-of-date CRL makes the revocation status unknowable.
    let ssl = ssl_for(MODE_CHANNEL, &files.trust);
    ssl.set_str(SSLCRLFile, stale.to_str().unwrap()).unwrap();
    ssl.set_int(SSLRevocationIgnoreRO, 0).unwrap();
    let (r, _c) = smtp_connect(f, &served, &ssl);
    expect_err(r, CSMAIL_E_CONNECT, eexSSLCertificate);
    let mut problems = Vec::new();
    check_outputs(&ssl, f, CERTIFICATE_UNTRUSTED, CERT_POLICY_CHAIN_ERRORS, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");

    // Its revocations still count: an expired CRL that lists the leaf revokes it.
    let r = fx.get("revoked");
    let revoked_served = serve(r, dir);
    let stale_revoking = dir.join("stale-revoking.pem");
    std::fs::write(&stale_revoking, fx.intermediate.crl(EXPIRED_FROM, EXPIRED_TO, &[&r.leaf.serial]) + &fx.root_crl)
        .unwrap();
    let ssl = ssl_for(MODE_CHANNEL, &files.trust);
    ssl.set_str(SSLCRLFile, stale_revoking.to_str().unwrap()).unwrap();
    let (res, _c) = smtp_connect(r, &revoked_served, &ssl);
    expect_err(res, CSMAIL_E_CONNECT, eexSSLCertificate);
    assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_REVOKED);
}

#[test]
fn unknown_revocation_status_is_refused_only_without_ignore_nrc() {
    let fx = fixtures();
    let f = fx.get("valid");
    let files = case_files(f);
    let served = serve(f, files._dir.path());
    // Only the intermediate's CRL: it covers the leaf, nothing covers the intermediate.
    let leaf_only = files._dir.path().join("leaf-only.pem");
    std::fs::write(&leaf_only, &fx.intermediate_crl).unwrap();
    let both = files._dir.path().join("both.pem");
    std::fs::write(&both, format!("{}{}", fx.intermediate_crl, fx.root_crl)).unwrap();
    for (crl, ignore_nrc, check_end, accepted) in
        [(&leaf_only, 1, 0, true), (&leaf_only, 0, 0, false), (&leaf_only, 0, 1, true), (&both, 0, 0, true)]
    {
        for t in [Transport::SmtpImplicit, Transport::Pop3Stls] {
            let ssl = ssl_for(t.mode(), &files.trust);
            ssl.set_str(SSLCRLFile, crl.to_str().unwrap()).unwrap();
            ssl.set_int(SSLRevocationIgnoreNRC, ignore_nrc).unwrap();
            ssl.set_int(SSLRevocationCheckEnd, check_end).unwrap();
            let c = Client::new(t, f.host, served.port(t), &ssl);
            let r = c.connect();
            let what = format!("{} IgnoreNRC={ignore_nrc} CheckEnd={check_end} {t:?}", crl.display());
            let mut problems = Vec::new();
            if accepted {
                assert!(r.is_ok(), "{what}: {r:?}");
                check_outputs(&ssl, f, CERTIFICATE_VALID, 0, &mut problems);
                c.carry_on().unwrap();
            } else {
                let e = expect_err(r, CSMAIL_E_CONNECT, eexSSLCertificate);
                assert_eq!(
                    e.text,
                    "the server's certificate has an unknown revocation status: no CRL in SSLCRLFile covers its issuer (SSLRevocationIgnoreNRC accepts that)",
                    "{what}"
                );
                check_outputs(&ssl, f, CERTIFICATE_UNTRUSTED, CERT_POLICY_CHAIN_ERRORS, &mut problems);
            }
            assert!(problems.is_empty(), "{what}: {problems:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Client certificates
// ---------------------------------------------------------------------------------------------

struct ClientCertSetup {
    dir: tempfile::TempDir,
    server: RunningServer,
    trust: PathBuf,
    client_ca: Ca,
}

/// The valid fixture's server, requiring a client certificate from a fresh client CA.
fn client_cert_server() -> ClientCertSetup {
    let f = fixtures().get("valid");
    let dir = tempfile::tempdir().unwrap();
    let client_ca = Ca::root("csmail client CA");
    let mut opts = server_options(dir.path(), fixture_pki(f));
    opts.client_ca_pem = Some(client_ca.cert_pem.clone());
    let server = csmail_server::start(opts).expect("server starts");
    let trust = dir.path().join("trust.pem");
    std::fs::write(&trust, &f.trust_pem).unwrap();
    ClientCertSetup { dir, server, trust, client_ca }
}

fn ports(s: &RunningServer) -> Serving {
    Serving {
        smtp: s.smtp_port,
        smtps: s.smtps_port,
        pop3: s.pop3_port,
        pop3s: s.pop3s_port,
        rustls: None,
        sserver: None,
    }
}

#[test]
fn client_certificate_required_and_missing_fails_the_connect() {
    let s = client_cert_server();
    let p = ports(&s.server);
    let f = fixtures().get("valid");
    // Also a certificate from a CA the server does not accept.
    let stranger_ca = Ca::root("csmail stranger CA");
    let stranger = client_leaf(&stranger_ca, "client.example.test", 300);
    let store = s.dir.path().join("stranger");
    std::fs::create_dir(&store).unwrap();
    std::fs::write(store.join("client.pem"), stranger.pem_with_key()).unwrap();
    for (with_stranger, tls12) in [(false, false), (true, false), (false, true), (true, true)] {
        for t in TRANSPORTS {
            let ssl = ssl_for(t.mode(), &s.trust);
            if tls12 {
                // In TLS 1.2 the server refuses inside the handshake, in TLS 1.3 after it.
                ssl.set_array(SSLConnectionProtocolIn, &[SSL_TLS12]).unwrap();
            }
            if with_stranger {
                ssl.set_str(SSLClientCertificateName, "client.example.test").unwrap();
                ssl.set_str(SSLClientCertificateStore, store.to_str().unwrap()).unwrap();
            }
            let c = Client::new(t, "localhost", p.port(t), &ssl);
            let r = c.connect();
            let what = format!("{t:?} stranger={with_stranger} tls12={tls12}");
            let e = match r {
                Ok(()) => panic!("{what}: connected without an acceptable client certificate"),
                Err(e) => e,
            };
            // The server's verdict reaches the client as a TLS alert: a TLS protocol failure,
            // whether it comes inside the handshake (TLS 1.2) or on the first read after the
            // client's side of it finished (TLS 1.3). (Fails at the time of writing for TLS 1.3:
            // the alert surfaces as a read error, src/protocol/line.rs maps it to eexSocketRx.)
            assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexSSLProtocol), "{what}: {e}");
            let alert = if with_stranger { "alert \"unknown_ca\"" } else { "alert \"certificate_required\"" };
            assert!(e.text.contains(alert), "{what}: {e}");
            assert_eq!(c.extended_error().number, eexSSLProtocol, "{what}");
            assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED), 0, "{what}");
            // The server's own certificate was fine and its outputs are readable.
            assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID, "{what}");
            assert_eq!(ssl.get_str(SSLCertificateFingerprint).unwrap(), f.leaf.fingerprint, "{what}");
        }
    }
}

#[test]
fn client_certificate_from_a_pem_store_directory() {
    let s = client_cert_server();
    let p = ports(&s.server);
    let good = client_leaf(&s.client_ca, "client.example.test", 201);
    let store = s.dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    // The store also holds what must not be chosen: another name, a server-only EKU (newer),
    // and a certificate without its key (newest).
    std::fs::write(store.join("a-good.pem"), good.pem_with_key()).unwrap();
    std::fs::write(store.join("b-other.pem"), client_leaf(&s.client_ca, "other.example.test", 202).pem_with_key())
        .unwrap();
    let server_only = s.client_ca.issue(
        &LeafSpec::server("client.example.test", &["client.example.test"], 203).dates("2025-01-01T00:00:00Z", VALID_TO),
    );
    std::fs::write(store.join("c-server-only.pem"), server_only.pem_with_key()).unwrap();
    let keyless = s.client_ca.issue(
        &LeafSpec::server("client.example.test", &["client.example.test"], 204)
            .dates("2025-06-01T00:00:00Z", VALID_TO)
            .eku(vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth]),
    );
    std::fs::write(store.join("d-keyless.pem"), &keyless.cert_pem).unwrap();
    for t in TRANSPORTS {
        let ssl = ssl_for(t.mode(), &s.trust);
        ssl.set_str(SSLClientCertificateName, "client.example.test").unwrap();
        ssl.set_str(SSLClientCertificateStore, store.to_str().unwrap()).unwrap();
        let (log, lines) = collecting_log();
        let c = Client::new(t, "localhost", p.port(t), &ssl);
        c.handler(AdvancedHandler::Log(log));
        c.connect().unwrap_or_else(|e| panic!("{t:?}: {e}"));
        assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID);
        c.carry_on().unwrap();
        let lines = lines.lock();
        assert!(
            lines.iter().any(|l| l.1 == LOG_F_SSL
                && l.2.contains("client certificate CN=client.example.test")
                && l.2.contains("a-good.pem")),
            "{t:?}: {lines:#?}"
        );
    }
}

#[test]
fn client_certificate_from_pkcs12_with_password() {
    let s = client_cert_server();
    let p = ports(&s.server);
    let good = client_leaf(&s.client_ca, "client.example.test", 210);
    let dir = s.dir.path();
    std::fs::write(dir.join("client-cert.pem"), &good.cert_pem).unwrap();
    std::fs::write(dir.join("client-key.pem"), &good.key_pem).unwrap();
    let store = dir.join("p12store");
    std::fs::create_dir(&store).unwrap();
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-in",
            "client-cert.pem",
            "-inkey",
            "client-key.pem",
            "-name",
            "csmail client",
            "-passout",
            "pass:p12 secret",
            "-out",
            "p12store/client.p12",
        ],
    );
    // A directory store and the file itself.
    for store_path in [store.clone(), store.join("client.p12")] {
        for t in TRANSPORTS {
            let ssl = ssl_for(t.mode(), &s.trust);
            ssl.set_str(SSLClientCertificateName, "client.example.test").unwrap();
            ssl.set_str(SSLClientCertificateStore, store_path.to_str().unwrap()).unwrap();
            ssl.set_str(SSLClientCertificatePassword, "p12 secret").unwrap();
            let c = Client::new(t, "localhost", p.port(t), &ssl);
            c.connect().unwrap_or_else(|e| panic!("{t:?} {}: {e}", store_path.display()));
            c.carry_on().unwrap();
        }
    }
    // The wrong password leaves no usable certificate: a configuration error before any
    // connection.
    let ssl = ssl_for(MODE_CHANNEL, &s.trust);
    ssl.set_str(SSLClientCertificateName, "client.example.test").unwrap();
    ssl.set_str(SSLClientCertificateStore, store.to_str().unwrap()).unwrap();
    ssl.set_str(SSLClientCertificatePassword, "wrong").unwrap();
    let c = Client::new(Transport::SmtpImplicit, "localhost", p.smtps, &ssl);
    expect_err(c.connect(), CSMAIL_E_TLS_CONFIG, eexTlsConfig);
    // Nor is the password ever readable.
    assert!(ssl.get_str(SSLClientCertificatePassword).is_err());
}

// ---------------------------------------------------------------------------------------------
// The seed-003 store rules, through csmail::store
// ---------------------------------------------------------------------------------------------

/// 2030-01-01T00:00:00Z: "now" for the selection rules.
const NOW: i64 = 1_893_456_000;
const FQDN: &str = "mail.example.test";

fn store_dir(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    dir
}

/// The chosen certificate's DER and the choice's facts, or None.
fn choose(dir: &Path, usage: Usage) -> Option<(Vec<u8>, bool, bool, String)> {
    let ids = store::load(dir, "").expect("store loads");
    store::select(ids, FQDN, usage, NOW)
        .map(|c| (c.identity.chain[0].as_ref().to_vec(), c.expired, c.self_signed, c.subject))
}

fn mail_leaf(serial: u64, from: &'static str, to: &'static str) -> LeafSpec {
    LeafSpec::server(FQDN, &[FQDN], serial).dates(from, to)
}

#[test]
fn store_newest_valid_from_wins() {
    let ca = &fixtures().intermediate;
    let older = ca.issue(&mail_leaf(400, "2024-01-01T00:00:00Z", VALID_TO));
    let newer = ca.issue(&mail_leaf(401, "2025-01-01T00:00:00Z", VALID_TO));
    // File order must not matter: the older one comes first by name.
    let dir = store_dir(&[("a.pem", older.pem_with_key()), ("b.pem", newer.pem_with_key())]);
    let (der, expired, self_signed, subject) = choose(dir.path(), Usage::ServerAuth).unwrap();
    assert_eq!(der, newer.der);
    assert!(!expired && !self_signed);
    assert_eq!(subject, format!("CN={FQDN}, O={ORG}"));
}

#[test]
fn store_ca_issued_beats_a_newer_self_signed() {
    let ca_issued = fixtures().intermediate.issue(&mail_leaf(402, "2024-01-01T00:00:00Z", VALID_TO));
    let self_signed = mail_leaf(403, "2025-01-01T00:00:00Z", VALID_TO).self_signed();
    let dir = store_dir(&[("a.pem", self_signed.pem_with_key()), ("b.pem", ca_issued.pem_with_key())]);
    let (der, _, self_signed_choice, _) = choose(dir.path(), Usage::ServerAuth).unwrap();
    assert_eq!(der, ca_issued.der);
    assert!(!self_signed_choice);
}

#[test]
fn store_without_a_valid_ca_issued_certificate_takes_the_self_signed() {
    // A newer CA-issued certificate that has expired is not a "valid PKI certificate".
    let expired = fixtures().intermediate.issue(&mail_leaf(404, "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"));
    let self_signed = mail_leaf(405, "2024-01-01T00:00:00Z", VALID_TO).self_signed();
    let dir = store_dir(&[("a.pem", expired.pem_with_key()), ("b.pem", self_signed.pem_with_key())]);
    let (der, expired_choice, self_signed_choice, _) = choose(dir.path(), Usage::ServerAuth).unwrap();
    assert_eq!(der, self_signed.der);
    assert!(self_signed_choice && !expired_choice);
    // And the self-signed alone.
    let dir = store_dir(&[("only.pem", self_signed.pem_with_key())]);
    assert_eq!(choose(dir.path(), Usage::ServerAuth).unwrap().0, self_signed.der);
}

#[test]
fn store_with_only_expired_certificates_chooses_one_and_says_so() {
    let ca = &fixtures().intermediate;
    let old = ca.issue(&mail_leaf(406, "2018-01-01T00:00:00Z", "2019-01-01T00:00:00Z"));
    let less_old = ca.issue(&mail_leaf(407, EXPIRED_FROM, EXPIRED_TO));
    let dir = store_dir(&[("a.pem", less_old.pem_with_key()), ("b.pem", old.pem_with_key())]);
    let (der, expired, _, _) = choose(dir.path(), Usage::ServerAuth).unwrap();
    assert_eq!(der, less_old.der, "the most recent Valid-from");
    assert!(expired);
}

#[test]
fn store_ineligible_certificates_are_never_chosen() {
    let ca = &fixtures().intermediate;
    let eligible = ca.issue(&mail_leaf(410, "2024-01-01T00:00:00Z", VALID_TO));
    // Each ineligible one is newer than the eligible one.
    let keyless = ca.issue(&mail_leaf(411, "2025-01-01T00:00:00Z", VALID_TO));
    let client_only = ca
        .issue(&mail_leaf(412, "2025-01-01T00:00:00Z", VALID_TO).eku(vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth]));
    let other_name = ca.issue(
        &LeafSpec::server("other.example.test", &["other.example.test"], 413).dates("2025-01-01T00:00:00Z", VALID_TO),
    );
    let v1 = v1_certificate();
    let ineligible: [(&str, String); 4] = [
        ("keyless.pem", keyless.cert_pem.clone()),
        ("client-only.pem", client_only.pem_with_key()),
        ("other-name.pem", other_name.pem_with_key()),
        ("v1.pem", v1),
    ];
    for (file, content) in &ineligible {
        let alone = store_dir(&[(file, content.clone())]);
        assert!(choose(alone.path(), Usage::ServerAuth).is_none(), "{file} alone was chosen");
        let mixed = store_dir(&[(file, content.clone()), ("z-eligible.pem", eligible.pem_with_key())]);
        assert_eq!(choose(mixed.path(), Usage::ServerAuth).unwrap().0, eligible.der, "{file} was chosen");
    }
    // The client-only certificate is eligible for client authentication.
    let dir = store_dir(&[("client-only.pem", client_only.pem_with_key())]);
    assert_eq!(choose(dir.path(), Usage::ClientAuth).unwrap().0, client_only.der);
    // Names match in the CN too, case-insensitively, and a trailing dot is ignored.
    let ids = store::load(dir.path(), "").unwrap();
    assert!(store::select(ids, "MAIL.example.test.", Usage::ClientAuth, NOW).is_some());
}

/// A self-signed X.509 v1 certificate for FQDN with its key (openssl makes v1 when there are no
/// extensions), newer than everything else in the store tests.
fn v1_certificate() -> String {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    openssl(dir, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "v1.key"]);
    openssl(dir, &["req", "-new", "-key", "v1.key", "-subj", &format!("/CN={FQDN}/O={ORG}"), "-out", "v1.csr"]);
    openssl(dir, &["x509", "-req", "-in", "v1.csr", "-signkey", "v1.key", "-days", "36500", "-out", "v1.pem"]);
    let text = openssl(dir, &["x509", "-in", "v1.pem", "-noout", "-text"]);
    assert!(text.contains("Version: 1 (0x0)"), "openssl did not make a v1 certificate:\n{text}");
    std::fs::read_to_string(dir.join("v1.pem")).unwrap() + &std::fs::read_to_string(dir.join("v1.key")).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The bundled server's certificate store
// ---------------------------------------------------------------------------------------------

fn store_server(files: &[(&str, String)], fqdn: &str) -> (tempfile::TempDir, RunningServer) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    for (name, content) in files {
        std::fs::write(store.join(name), content).unwrap();
    }
    let mut opts = ServerOptions::new(dir.path().join("mail"));
    opts.cert_store = Some(CertStore { path: store, fqdn: fqdn.into(), password: String::new() });
    let server = csmail_server::start(opts).expect("server starts");
    (dir, server)
}

#[test]
fn server_without_an_eligible_certificate_offers_no_starttls() {
    let other = fixtures().intermediate.issue(&LeafSpec::server("other.example.test", &["other.example.test"], 420));
    let (dir, server) = store_server(&[("other.pem", other.pem_with_key())], "localhost");
    assert_eq!(server.certificate_subject, None);
    let trust = dir.path().join("trust.pem");
    std::fs::write(&trust, &fixtures().root.cert_pem).unwrap();
    for (t, port) in [(Transport::SmtpStarttls, server.smtp_port), (Transport::Pop3Stls, server.pop3_port)] {
        let ssl = ssl_for(MODE_STARTTLS, &trust);
        let c = Client::new(t, "localhost", port, &ssl);
        expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsNotOffered);
        assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_NONE);
    }
}

#[test]
fn server_with_only_an_expired_certificate_warns_and_still_offers_starttls() {
    let expired = fixtures()
        .intermediate
        .issue(&LeafSpec::server("localhost", &["localhost"], 421).dates(EXPIRED_FROM, EXPIRED_TO));
    let (dir, server) = store_server(&[("expired.pem", expired.pem_with_key())], "localhost");
    assert_eq!(server.certificate_subject.as_deref(), Some("CN=localhost, O=csmail tests"));
    let warning = server.certificate_warning.clone().expect("a warning for the expired certificate");
    assert!(warning.contains("expired"), "{warning}");
    let trust = dir.path().join("trust.pem");
    std::fs::write(&trust, &fixtures().root.cert_pem).unwrap();
    for (t, port) in [(Transport::SmtpStarttls, server.smtp_port), (Transport::Pop3Stls, server.pop3_port)] {
        // STARTTLS is offered: the handshake happens and meets the expired certificate.
        let ssl = ssl_for(MODE_STARTTLS, &trust);
        let c = Client::new(t, "localhost", port, &ssl);
        expect_err(c.connect(), CSMAIL_E_CONNECT, eexSSLCertificate);
        assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_EXPIRED);
        assert_eq!(ssl.get_str(SSLCertificateExpires).unwrap(), EXPIRED_TO);
        // And a client that waives validation gets through.
        let ssl = ssl_for(MODE_STARTTLS, &trust);
        ssl.set_int(SSLNoServerCertificateValidation, 1).unwrap();
        let c = Client::new(t, "localhost", port, &ssl);
        c.connect().unwrap();
        assert_eq!(ssl.get_str(SSLCertificateFingerprint).unwrap(), expired.fingerprint);
        c.carry_on().unwrap();
    }
}

#[test]
fn server_store_picks_by_the_rules_and_serves_the_choice() {
    let ca = &fixtures().intermediate;
    let older = ca.issue(&LeafSpec::server("localhost", &["localhost"], 422).dates("2024-01-01T00:00:00Z", VALID_TO));
    let newer = ca.issue(&LeafSpec::server("localhost", &["localhost"], 423).dates("2025-01-01T00:00:00Z", VALID_TO));
    let self_signed =
        LeafSpec::server("localhost", &["localhost"], 424).dates("2025-06-01T00:00:00Z", VALID_TO).self_signed();
    let (dir, server) = store_server(
        &[("a.pem", older.pem_with_key()), ("b.pem", newer.pem_with_key()), ("c.pem", self_signed.pem_with_key())],
        "localhost",
    );
    assert_eq!(server.certificate_warning, None);
    let trust = dir.path().join("trust.pem");
    // The store holds the leaf only: trust the intermediate directly.
    std::fs::write(&trust, &ca.cert_pem).unwrap();
    let ssl = ssl_for(MODE_STARTTLS, &trust);
    let c = Client::new(Transport::SmtpStarttls, "localhost", server.smtp_port, &ssl);
    c.connect().unwrap();
    assert_eq!(ssl.get_str(SSLCertificateFingerprint).unwrap(), newer.fingerprint);
    assert_eq!(ssl.get_str(SSLCertificateIssued).unwrap(), "2025-01-01T00:00:00Z");
    c.carry_on().unwrap();
}

// ---------------------------------------------------------------------------------------------
// The validation callback decides, not the options
// ---------------------------------------------------------------------------------------------

#[test]
fn validation_callback_answer_replaces_the_options() {
    let fx = fixtures();
    for (name, relax, answer, want) in [
        // Refusing a valid certificate: the application's refusal is a certificate refusal.
        ("valid", false, false, Err(eexSSLCertificate)),
        // Refusing despite both relaxing options.
        ("expired_wrong_host", true, false, Err(eexSSLCertificate)),
        ("wrong_host", true, false, Err(eexSSLCertName)),
        // Accepting what the default options refuse.
        ("expired_wrong_host", false, true, Ok(())),
        ("revoked", false, true, Ok(())),
    ] {
        let f = fx.get(name);
        let files = case_files(f);
        let served = serve(f, files._dir.path());
        let ssl = ssl_for(MODE_STARTTLS, &files.trust);
        if let Some(crl) = &files.crl {
            ssl.set_str(SSLCRLFile, crl.to_str().unwrap()).unwrap();
        }
        if relax {
            ssl.set_int(SSLNoServerNameCheck, 1).unwrap();
            ssl.set_int(SSLNoServerCertificateValidation, 1).unwrap();
        }
        let calls = Arc::new(Mutex::new(0));
        let n = calls.clone();
        ssl.set_validator(Some(Arc::new(move |_: &ValidationInput| {
            *n.lock() += 1;
            answer
        })))
        .unwrap();
        let c = Client::new(Transport::SmtpStarttls, f.host, served.smtp, &ssl);
        let r = c.connect();
        let what = format!("{name} relax={relax} answer={answer}");
        match want {
            Ok(()) => {
                r.unwrap_or_else(|e| panic!("{what}: {e}"));
                c.carry_on().unwrap();
            }
            Err(eex) => {
                expect_err(r, CSMAIL_E_CONNECT, eex);
            }
        }
        assert_eq!(*calls.lock(), 1, "{what}");
        let want_status = expected(f, Policy::Default).status;
        assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), want_status, "{what}");
        // Clearing the callback gives the options back their say.
        ssl.set_validator(None).unwrap();
        let c = Client::new(Transport::SmtpStarttls, f.host, served.smtp, &ssl);
        assert_eq!(c.connect().is_ok(), relax || name == "valid", "{what}, callback cleared");
    }
}
