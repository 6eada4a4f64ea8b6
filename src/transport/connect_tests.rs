//! Going on to the next resolved address after a refusal (moved from tests/addresses.rs when
//! the transport became crate-private: no public call takes a list of addresses).

use super::connect::connect_any;
use crate::abort::Abort;
use crate::error::{eexTCPConnect, CSMAIL_E_CONNECT};
use crate::log::{LogHandler, Logger};
use parking_lot::Mutex;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn a_refused_address_moves_on_to_the_next() {
    let live = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let handler = Arc::new(LogHandler::new());
    let sink = lines.clone();
    handler.set_callback(Some(Arc::new(move |_, _, m: &str| sink.lock().push(m.to_owned())))).unwrap();
    let addrs = [dead, live.local_addr().unwrap()];
    let deadline = Instant::now() + Duration::from_secs(5);
    let s = connect_any(&addrs, "test", deadline, &Abort::default(), &Logger::new(Some(handler)))
        .expect("the second address accepts");
    assert_eq!(s.peer_addr().unwrap(), live.local_addr().unwrap());
    let lines = lines.lock().clone();
    assert!(lines.iter().any(|l| l.starts_with(&format!("connect to {dead} failed"))), "{lines:#?}");
    assert!(lines.contains(&format!("connected to {}", live.local_addr().unwrap())), "{lines:#?}");
    // All refused: eexTCPConnect with the last error.
    let deadline = Instant::now() + Duration::from_secs(5);
    let e = connect_any(&[dead, dead], "test", deadline, &Abort::default(), &Logger::default()).unwrap_err();
    assert_eq!((e.result, e.eex, e.os_error), (CSMAIL_E_CONNECT, eexTCPConnect, libc::ECONNREFUSED));
}
