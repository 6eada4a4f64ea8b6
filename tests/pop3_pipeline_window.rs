//! The POP3 batch's pipeline window (issue 9, P2): `retrieve_many` keeps 32 messages in flight,
//! so the client wakes for many replies at once. The script reads 32 RETRs before it sends any
//! reply: a client with a smaller window would wait for a reply that never comes and time out.

mod common;
use common::*;
use csmail::source::FnSink;
use csmail_server::Script;
use parking_lot::Mutex;
use std::sync::Arc;

/// What the sinks received: (message number, piece), in order.
type Received = Arc<Mutex<Vec<(u32, Vec<u8>)>>>;

fn body(n: u32) -> String {
    format!("Subject: {n}\r\n\r\nbody {n}\r\n")
}

/// The script: login, then `first` commands read before any reply, their replies, the rest of
/// the commands, their replies, QUIT.
fn script(first: &[&str], rest: &[&str]) -> Script {
    let mut s = String::from("S: +OK ready\nC: CAPA\nS: +OK\nS: USER\nS: PIPELINING\nS: .\n");
    s += "C: USER u\nS: +OK\nC: PASS p\nS: +OK logged in\n";
    for group in [first, rest] {
        for c in group {
            s += &format!("C: {c}\n");
        }
        for c in group {
            match c.strip_prefix("RETR ") {
                Some(n) => {
                    s += "S: +OK\n";
                    for line in body(n.parse().unwrap()).lines() {
                        s += &format!("S: {line}\n");
                    }
                    s += "S: .\n";
                }
                None => s += "S: +OK deleted\n",
            }
        }
    }
    s += "C: QUIT\nS: +OK bye\n";
    Script::parse(&s).unwrap()
}

fn run(numbers: &[u32], delete: bool, first: &[String], rest: &[String]) -> Vec<(u32, Vec<u8>)> {
    let first: Vec<&str> = first.iter().map(|s| s.as_str()).collect();
    let rest: Vec<&str> = rest.iter().map(|s| s.as_str()).collect();
    let s = Scripted::start_script(script(&first, &rest), false);
    let c = s.pop3(5000);
    c.connect().unwrap();
    let got: Received = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    c.retrieve_many(numbers, delete, &mut |n| {
        let g = g.clone();
        Box::new(FnSink(move |d: &[u8]| {
            g.lock().push((n, d.to_vec()));
            Ok(())
        }))
    })
    .unwrap();
    assert!(c.disconnect().unwrap());
    let out = s.finish();
    assert!(out.mismatches.is_empty(), "{:?}\n{}", out.mismatches, show(&out.received));
    assert!(out.completed);
    let got = got.lock().clone();
    got
}

fn whole(got: &[(u32, Vec<u8>)]) -> Vec<(u32, Vec<u8>)> {
    let mut out: Vec<(u32, Vec<u8>)> = Vec::new();
    for (n, d) in got {
        match out.last_mut() {
            Some((m, data)) if m == n => data.extend_from_slice(d),
            _ => out.push((*n, d.clone())),
        }
    }
    out
}

#[test]
fn retrieve_many_sends_32_retr_before_it_reads_a_reply() {
    let numbers: Vec<u32> = (1..=40).collect();
    let retr = |r: std::ops::RangeInclusive<u32>| r.map(|n| format!("RETR {n}")).collect::<Vec<_>>();
    let got = run(&numbers, false, &retr(1..=32), &retr(33..=40));
    let expected: Vec<(u32, Vec<u8>)> = numbers.iter().map(|&n| (n, body(n).into_bytes())).collect();
    assert_eq!(whole(&got), expected);
}

/// With DELE, each message's two commands count as one in the window: 32 RETR + DELE pairs.
#[test]
fn retrieve_many_with_delete_keeps_32_messages_in_flight() {
    let numbers: Vec<u32> = (1..=34).collect();
    let pairs = |r: std::ops::RangeInclusive<u32>| {
        r.flat_map(|n| [format!("RETR {n}"), format!("DELE {n}")]).collect::<Vec<_>>()
    };
    let got = run(&numbers, true, &pairs(1..=32), &pairs(33..=34));
    let expected: Vec<(u32, Vec<u8>)> = numbers.iter().map(|&n| (n, body(n).into_bytes())).collect();
    assert_eq!(whole(&got), expected);
}
