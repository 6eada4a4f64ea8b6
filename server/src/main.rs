//! The `csmail-server` binary: runs the test server for the C examples and
//! the README demo, or serves one scripted connection.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use csmail_server::{Pki, Script, ScriptedServer, ServerOptions};

const USAGE: &str = "\
usage:
  csmail-server --dir DIR [--bind 127.0.0.1] [--smtp-port 2525] [--smtps-port 2465]
                [--pop3-port 1110] [--pop3s-port 1995] [--imap-port 0]
                [--imaps-port 0] [--imap-plaintext-login] [--user name:pass]...
                [--require-auth] [--auth-requires-tls] [--no-pipelining]
                [--no-starttls] [--max-size BYTES] [--stdin-lifetime] [--no-fsync]
                [--chunking]
      Generates a test CA and server certificate, writes DIR/ca.pem, stores
      mail in DIR/mail/<user>/{new,cur,tmp}, then writes DIR/ready
      (smtp=PORT, smtps=PORT, pop3=PORT, pop3s=PORT, imap=PORT, imaps=PORT)
      and DIR/server.pid and
      prints the same lines. Runs until SIGTERM/SIGINT, or until standard
      input closes with --stdin-lifetime. Port 0 picks a free port.
      Default users: alice:alicepass and bob:bobpass (replaced by --user).
      The IMAP ports default to 0 (free ports, read them from DIR/ready), so
      that setups fixing only the SMTP and POP3 ports never collide on them.
      A user's OAuth2 token (XOAUTH2, OAUTHBEARER) is token-PASSWORD.
      --chunking: SMTP offers CHUNKING and accepts BDAT (RFC 3030).
      --imap-plaintext-login: IMAP allows LOGIN and AUTHENTICATE before
      STARTTLS (by default it advertises LOGINDISABLED there, as Dovecot does).
      --no-fsync: delivered mail is not synced to disk before the 250 reply
      (for benchmarks).

  csmail-server --script FILE --port N [--implicit-tls] [--dir DIR]
      Serves exactly one connection on 127.0.0.1:N following the script
      (N = 0 picks a free port). Prints `script=PORT` when listening (and
      writes it to DIR/ready if --dir is given). TLS needs --dir: the CA
      is written to DIR/ca.pem. Exits 0 if the script completed without
      mismatches, else prints the mismatches and exits 1.

  csmail-server --help
";

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn install_signal_handlers() {
    // SAFETY: the handler only stores to an atomic, which is
    // async-signal-safe.
    unsafe {
        let h = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::signal(libc::SIGTERM, h);
        libc::signal(libc::SIGINT, h);
    }
}

/// Writes `contents` to `path` via a temporary file and a rename, so a
/// reader polling for the file never sees half of it.
fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(tmp, path)
}

struct Args {
    dir: Option<PathBuf>,
    bind: IpAddr,
    ports: [u16; 6],
    imap_plaintext_login: bool,
    users: Vec<(String, String)>,
    require_auth: bool,
    auth_requires_tls: bool,
    pipelining: bool,
    starttls: bool,
    max_size: Option<u64>,
    stdin_lifetime: bool,
    fsync: bool,
    chunking: bool,
    script: Option<PathBuf>,
    port: Option<u16>,
    implicit_tls: bool,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args {
        dir: None,
        bind: IpAddr::from([127, 0, 0, 1]),
        ports: [2525, 2465, 1110, 1995, 0, 0],
        imap_plaintext_login: false,
        users: Vec::new(),
        require_auth: false,
        auth_requires_tls: false,
        pipelining: true,
        starttls: true,
        max_size: None,
        stdin_lifetime: false,
        fsync: true,
        chunking: false,
        script: None,
        port: None,
        implicit_tls: false,
    };
    fn port(v: String) -> Result<u16, String> {
        v.parse().map_err(|_| format!("bad port {v:?}"))
    }
    while let Some(arg) = it.next() {
        let mut val = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--help" | "-h" => return Ok(None),
            "--dir" => a.dir = Some(PathBuf::from(val("--dir")?)),
            "--bind" => {
                let v = val("--bind")?;
                a.bind = v.parse().map_err(|_| format!("bad address {v:?}"))?;
            }
            "--smtp-port" => a.ports[0] = port(val(&arg)?)?,
            "--smtps-port" => a.ports[1] = port(val(&arg)?)?,
            "--pop3-port" => a.ports[2] = port(val(&arg)?)?,
            "--pop3s-port" => a.ports[3] = port(val(&arg)?)?,
            "--imap-port" => a.ports[4] = port(val(&arg)?)?,
            "--imaps-port" => a.ports[5] = port(val(&arg)?)?,
            "--imap-plaintext-login" => a.imap_plaintext_login = true,
            "--port" => a.port = Some(port(val(&arg)?)?),
            "--user" => {
                let v = val("--user")?;
                let (u, p) = v.split_once(':').ok_or(format!("--user wants name:pass, got {v:?}"))?;
                a.users.push((u.to_string(), p.to_string()));
            }
            "--max-size" => {
                let v = val(&arg)?;
                a.max_size = Some(v.parse().map_err(|_| format!("bad size {v:?}"))?);
            }
            "--require-auth" => a.require_auth = true,
            "--auth-requires-tls" => a.auth_requires_tls = true,
            "--no-pipelining" => a.pipelining = false,
            "--no-starttls" => a.starttls = false,
            "--stdin-lifetime" => a.stdin_lifetime = true,
            "--no-fsync" => a.fsync = false,
            "--chunking" => a.chunking = true,
            "--script" => a.script = Some(PathBuf::from(val("--script")?)),
            "--implicit-tls" => a.implicit_tls = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(a))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("csmail-server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let res = if args.script.is_some() { run_script(&args) } else { run_server(&args) };
    match res {
        Ok(code) => code,
        Err(e) => {
            eprintln!("csmail-server: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_server(a: &Args) -> Result<ExitCode, String> {
    let dir = a.dir.as_ref().ok_or("--dir is required")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut opts = ServerOptions::new(dir.join("mail"));
    opts.bind = a.bind;
    [opts.smtp_port, opts.smtps_port, opts.pop3_port, opts.pop3s_port, opts.imap_port, opts.imaps_port] = a.ports;
    opts.imap_login_disabled = !a.imap_plaintext_login;
    if !a.users.is_empty() {
        opts.users = a.users.clone();
    }
    opts.require_auth = a.require_auth;
    opts.auth_requires_tls = a.auth_requires_tls;
    opts.smtp_pipelining = a.pipelining;
    opts.pop3_pipelining = a.pipelining;
    opts.offer_starttls = a.starttls;
    opts.sync_delivery = a.fsync;
    opts.smtp_chunking = a.chunking;
    if let Some(m) = a.max_size {
        opts.max_message_size = m;
    }
    opts.pki.write_ca(&dir.join("ca.pem")).map_err(|e| format!("writing ca.pem: {e}"))?;
    install_signal_handlers();
    let server = csmail_server::start(opts).map_err(|e| format!("starting: {e}"))?;
    let ready = format!(
        "smtp={}\nsmtps={}\npop3={}\npop3s={}\nimap={}\nimaps={}\n",
        server.smtp_port, server.smtps_port, server.pop3_port, server.pop3s_port, server.imap_port, server.imaps_port
    );
    write_atomic(&dir.join("server.pid"), &format!("{}\n", std::process::id()))
        .map_err(|e| format!("writing server.pid: {e}"))?;
    write_atomic(&dir.join("ready"), &ready).map_err(|e| format!("writing ready: {e}"))?;
    print!("{ready}");
    let _ = std::io::stdout().flush();
    if a.stdin_lifetime {
        std::thread::spawn(|| {
            let mut buf = [0u8; 256];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
            STOP.store(true, Ordering::SeqCst);
        });
    }
    while !STOP.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
    server.stop();
    let _ = std::fs::remove_file(dir.join("ready"));
    let _ = std::fs::remove_file(dir.join("server.pid"));
    Ok(ExitCode::SUCCESS)
}

fn run_script(a: &Args) -> Result<ExitCode, String> {
    let script = Script::from_file(a.script.as_ref().expect("checked"))?;
    let port = a.port.ok_or("--script needs --port")?;
    let pki = match &a.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let pki = Pki::generate(&[]);
            pki.write_ca(&dir.join("ca.pem")).map_err(|e| format!("writing ca.pem: {e}"))?;
            Some(pki)
        }
        None if a.implicit_tls => return Err("--implicit-tls needs --dir for ca.pem".into()),
        None => None,
    };
    let server =
        ScriptedServer::start_on(SocketAddr::from(([127, 0, 0, 1], port)), script, pki.as_ref(), a.implicit_tls)
            .map_err(|e| format!("starting: {e}"))?;
    let line = format!("script={}\n", server.port);
    if let Some(dir) = &a.dir {
        write_atomic(&dir.join("ready"), &line).map_err(|e| format!("writing ready: {e}"))?;
    }
    print!("{line}");
    let _ = std::io::stdout().flush();
    let outcome = server.finish();
    if let Some(dir) = &a.dir {
        let _ = std::fs::remove_file(dir.join("ready"));
    }
    if outcome.completed && outcome.mismatches.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    if !outcome.completed {
        println!("script did not complete");
    }
    for m in &outcome.mismatches {
        println!("mismatch: {m}");
    }
    Ok(ExitCode::from(1))
}
