//! TLS 1.3 handshakes/s and bulk MiB/s with each crypto provider and key-exchange group.
//! The client runs on this thread, the server on another; both over loopback TCP.

use rustls::crypto::{aws_lc_rs, ring, CryptoProvider, SupportedKxGroup};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection, StreamOwned};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Instant;

const HANDSHAKES: usize = 300;
const BULK: usize = 256 * 1024 * 1024;

fn provider(base: CryptoProvider, group: &'static dyn SupportedKxGroup) -> Arc<CryptoProvider> {
    Arc::new(CryptoProvider { kx_groups: vec![group], ..base })
}

fn configs(p: Arc<CryptoProvider>) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap().self_signed(&key).unwrap();
    let der = CertificateDer::from(cert.der().to_vec());
    let mut roots = RootCertStore::empty();
    roots.add(der.clone()).unwrap();
    let mut client = ClientConfig::builder_with_provider(p.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Full handshakes only: resumption is measured by bench.py's P4.
    client.resumption = rustls::client::Resumption::disabled();
    let server = ServerConfig::builder_with_provider(p)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![der], PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())))
        .unwrap();
    (Arc::new(client), Arc::new(server))
}

/// Serves `n` connections: handshake, then echo nothing but drain what comes until EOF.
fn serve(listener: TcpListener, server: Arc<ServerConfig>, n: usize) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        for _ in 0..n {
            let (sock, _) = listener.accept().unwrap();
            sock.set_nodelay(true).unwrap();
            let mut s = StreamOwned::new(ServerConnection::new(server.clone()).unwrap(), sock);
            loop {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        }
    })
}

fn run(name: &str, p: Arc<CryptoProvider>) {
    let (client, server) = configs(p);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server_thread = serve(listener, server, HANDSHAKES + 1);
    let t0 = Instant::now();
    let mut group = String::new();
    let mut suite = String::new();
    for _ in 0..HANDSHAKES {
        let sock = TcpStream::connect(addr).unwrap();
        sock.set_nodelay(true).unwrap();
        let mut conn = ClientConnection::new(client.clone(), ServerName::try_from("localhost").unwrap()).unwrap();
        let mut sock = sock;
        while conn.is_handshaking() {
            conn.complete_io(&mut sock).unwrap();
        }
        group = format!("{:?}", conn.negotiated_key_exchange_group().unwrap().name());
        suite = format!("{:?}", conn.negotiated_cipher_suite().unwrap().suite());
        conn.send_close_notify();
        let _ = conn.complete_io(&mut sock);
    }
    let hs = HANDSHAKES as f64 / t0.elapsed().as_secs_f64();
    let sock = TcpStream::connect(addr).unwrap();
    let conn = ClientConnection::new(client.clone(), ServerName::try_from("localhost").unwrap()).unwrap();
    let mut s = StreamOwned::new(conn, sock);
    let chunk = vec![b'x'; 64 * 1024];
    let t0 = Instant::now();
    let mut sent = 0;
    while sent < BULK {
        s.write_all(&chunk).unwrap();
        sent += chunk.len();
    }
    s.conn.send_close_notify();
    s.flush().unwrap();
    drop(s);
    server_thread.join().unwrap();
    let mibs = BULK as f64 / (1024.0 * 1024.0) / t0.elapsed().as_secs_f64();
    println!("| {name} | {group} | {hs:.0} | {mibs:.0} | {suite} |");
}

fn main() {
    println!("| provider | group | full handshakes/s | bulk MiB/s (client encrypts, server decrypts) | suite |");
    println!("|---|---|---|---|---|");
    run("ring", provider(ring::default_provider(), ring::kx_group::X25519));
    run("aws-lc-rs", provider(aws_lc_rs::default_provider(), aws_lc_rs::kx_group::X25519));
    run("aws-lc-rs", provider(aws_lc_rs::default_provider(), aws_lc_rs::kx_group::X25519MLKEM768));
}
