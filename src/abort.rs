//! The operation in progress on a client, and what ends it early: an abort from another thread,
//! or the operation's limits (`limits`: the whole-operation deadline and the low-speed limit).
//!
//! Cross-cutting: the api owns one per client, and the protocol, transport and tls layers all
//! check it, so it sits below every layer (like `error` and `log`).
//!
//! The abort rule (the README's "Abort" section says the same to users):
//! - An abort ends the operation in progress. `request` sets a flag the connect loop and every
//!   read check, and shuts the connection's socket down, which wakes a blocked read or write at
//!   once; the operation then reports "aborted" instead of a network error.
//! - An abort that arrives while a call on the client has been entered but its operation has not
//!   begun yet (the call is still checking its arguments) ends that operation as it begins: every
//!   call takes a ticket on entry, and a remembered abort applies only to calls whose ticket it
//!   has seen, so it is neither lost in the race with the start nor carried over to a call made
//!   after it.
//! - An abort while no call is in progress does nothing (and is not remembered).
//! - An operation that can end in order asks for that (`soften`: IMAP IDLE, which ends with
//!   DONE): an abort then leaves the socket open and only raises `soft_requested`, which the
//!   operation watches; it ends its exchange with the server and reports the abort, and the
//!   session stays usable. Releasing the client (`retire`) still shuts the socket.
//! - Releasing the client's last C reference aborts the operation in progress and any that a
//!   call racing with the release begins (`retire`).
//! - The operation learns at its end (`Running::finish`, under the same lock `request` takes)
//!   whether an abort shut its socket: then the client closes the session, so that a client
//!   whose socket an abort closed always says disconnected, even when the operation's last
//!   reply had already arrived.

mod limits;

pub use limits::{Limits, LowSpeed, SpeedMeter};

use crate::error::Error;
use parking_lot::Mutex;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct Abort {
    state: Mutex<State>,
    /// `state.requested`, readable without the lock by the connect loop and every read.
    requested: AtomicBool,
    /// Operations begun so far: each one is a new epoch (the speed meter restarts with it).
    epoch: AtomicU64,
    /// The application let go of the client (its last C reference): every operation ends.
    retired: AtomicBool,
    /// An abort came while the operation had asked to end in order (`soften`).
    soft_requested: AtomicBool,
}

/// A call on the client in progress on one thread: its ticket, and how deeply it is nested (a
/// C function that enters, then the operation it runs).
struct Call {
    thread: ThreadId,
    ticket: u64,
    depth: u32,
}

#[derive(Default)]
struct State {
    running: bool,
    requested: bool,
    /// An abort shut the watched socket during the running operation.
    shut: bool,
    socket: Option<TcpStream>,
    /// Tickets handed out so far.
    tickets: u64,
    calls: Vec<Call>,
    /// An abort that found no operation running but calls in progress: it ends the first
    /// operation to begin whose call's ticket is at most this one.
    pending: Option<u64>,
    /// The running operation's limits, and when it began.
    limits: Limits,
    began: Option<Instant>,
    /// The running operation ends in order when aborted (`Abort::soften`).
    soft: bool,
}

impl State {
    fn set_requested(&mut self, flag: &AtomicBool, on: bool) {
        self.requested = on;
        flag.store(on, Ordering::SeqCst);
    }
}

impl Abort {
    /// Marks a call on the client as entered (before it checks its arguments or waits for the
    /// session), for as long as the returned value lives. Nested calls of one thread share the
    /// outermost call's ticket.
    pub fn enter(&self) -> Entry<'_> {
        let me = thread::current().id();
        let mut st = self.state.lock();
        if let Some(c) = st.calls.iter_mut().find(|c| c.thread == me) {
            c.depth += 1;
        } else {
            st.tickets += 1;
            let ticket = st.tickets;
            st.calls.push(Call { thread: me, ticket, depth: 1 });
        }
        Entry { abort: self, thread: me }
    }

    /// Marks the start of an operation with its limits. An abort remembered for this thread's
    /// call applies to it at once (`Running::aborted_at_start`).
    pub fn begin(&self, limits: Limits) -> Running<'_> {
        let me = thread::current().id();
        let mut st = self.state.lock();
        let ticket = st.calls.iter().find(|c| c.thread == me).map(|c| c.ticket);
        let hit = matches!((st.pending, ticket), (Some(p), Some(t)) if t <= p) || self.retired.load(Ordering::SeqCst);
        if hit {
            st.pending = None;
        }
        st.running = true;
        st.shut = false;
        st.set_requested(&self.requested, hit);
        st.limits = limits;
        let now = Instant::now();
        st.began = Some(now);
        self.epoch.fetch_add(1, Ordering::SeqCst);
        Running { abort: self, done: false, aborted_at_start: hit, limits, deadline: limits.deadline_from(now) }
    }

    /// Ends the operation in progress, or remembers the abort for a call in progress whose
    /// operation has not begun. Returns whether it will end an operation; with no call in
    /// progress it does nothing.
    pub fn request(&self) -> bool {
        let mut st = self.state.lock();
        if st.running && st.soft && !self.retired.load(Ordering::SeqCst) {
            // The operation ends itself in order; its socket stays open.
            self.soft_requested.store(true, Ordering::SeqCst);
            return true;
        }
        if st.running {
            st.set_requested(&self.requested, true);
            if let Some(s) = st.socket.as_ref() {
                let _ = s.shutdown(Shutdown::Both);
                st.shut = true;
            }
            return true;
        }
        if st.calls.is_empty() {
            return false;
        }
        st.pending = Some(st.tickets);
        true
    }

    /// Aborts the operation in progress and every one that begins later: the client's last
    /// reference is gone, and a call that found the client just before may still start one.
    pub fn retire(&self) {
        self.retired.store(true, Ordering::SeqCst);
        self.request();
    }

    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Asks that an abort of the running operation leave its socket open and only raise
    /// `soft_requested`, for an operation that can end its exchange in order (IDLE sends DONE).
    /// Returns false, changing nothing, when an abort has already shut the operation down.
    pub fn soften(&self) -> bool {
        let mut st = self.state.lock();
        if !st.running || st.requested {
            return false;
        }
        st.soft = true;
        true
    }

    /// Ends what `soften` began: aborts shut the socket again. Returns whether an abort came
    /// meanwhile.
    pub fn harden(&self) -> bool {
        let mut st = self.state.lock();
        st.soft = false;
        self.soft_requested.swap(false, Ordering::SeqCst)
    }

    /// An abort came while the operation ends in order (see `soften`).
    pub fn soft_requested(&self) -> bool {
        self.soft_requested.load(Ordering::SeqCst)
    }

    /// The running operation's number: a new one for every operation.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// The running operation's limits.
    pub fn limits(&self) -> Limits {
        self.state.lock().limits
    }

    /// When the running operation must have ended (CSMAIL_PROP_OPERATION_TIMEOUT_MS), if ever.
    pub fn deadline(&self) -> Option<Instant> {
        let st = self.state.lock();
        st.began.and_then(|b| st.limits.deadline_from(b))
    }

    /// `timeout`, shortened to what is left of the operation's deadline: for the steps that take
    /// one timeout (the TLS handshake, a proxy's dialogue).
    pub fn cap(&self, timeout: Duration) -> Duration {
        match self.deadline() {
            Some(d) => timeout.min(d.saturating_duration_since(Instant::now())),
            None => timeout,
        }
    }

    /// Remembers the connection's socket so `request` can shut it down. An abort that came
    /// before the socket existed (during the TCP connect's last moment) shuts it at once.
    pub fn watch(&self, s: &TcpStream) {
        let mut st = self.state.lock();
        st.socket = s.try_clone().ok();
        if st.running && st.requested {
            if let Some(s) = st.socket.as_ref() {
                let _ = s.shutdown(Shutdown::Both);
                st.shut = true;
            }
        }
    }

    pub fn unwatch(&self) {
        self.state.lock().socket = None;
    }
}

/// A call in progress (see `Abort::enter`).
pub struct Entry<'a> {
    abort: &'a Abort,
    thread: ThreadId,
}

impl Drop for Entry<'_> {
    fn drop(&mut self) {
        let mut st = self.abort.state.lock();
        if let Some(i) = st.calls.iter().position(|c| c.thread == self.thread) {
            st.calls[i].depth -= 1;
            if st.calls[i].depth == 0 {
                st.calls.swap_remove(i);
            }
        }
        if st.calls.is_empty() {
            // The call window closed: a remembered abort applies to no later call.
            st.pending = None;
        }
    }
}

/// The operation in progress (see `Abort::begin`); it ends with `finish` or when dropped.
pub struct Running<'a> {
    abort: &'a Abort,
    done: bool,
    aborted_at_start: bool,
    limits: Limits,
    deadline: Option<Instant>,
}

impl Running<'_> {
    /// An abort remembered for this call ended the operation before it did anything.
    pub fn aborted_at_start(&self) -> bool {
        self.aborted_at_start
    }

    /// Ends the operation: no abort lands on it after this. Returns whether an abort shut its
    /// socket down (the connection is then unusable, whatever the operation's outcome).
    pub fn finish(&mut self) -> bool {
        if self.done {
            return false;
        }
        self.done = true;
        let mut st = self.abort.state.lock();
        st.running = false;
        st.soft = false;
        self.abort.soft_requested.store(false, Ordering::SeqCst);
        st.set_requested(&self.abort.requested, false);
        st.began = None;
        st.limits = Limits::default();
        std::mem::take(&mut st.shut)
    }

    /// A timeout that came when the operation's deadline had passed is the deadline's doing:
    /// its text then says so and names the property to raise (see `Limits::deadline_error`).
    pub fn attribute(&self, e: Error) -> Error {
        match self.deadline {
            Some(d) if Instant::now() >= d => self.limits.deadline_error(e),
            _ => e,
        }
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn an_abort_between_entry_and_begin_ends_the_operation_as_it_begins() {
        let a = Abort::default();
        let entry = a.enter();
        assert!(a.request(), "a call is in progress: the abort is remembered");
        let mut op = a.begin(Limits::default());
        assert!(op.aborted_at_start() && a.is_requested());
        assert!(!op.finish(), "no socket was shut");
        assert!(!a.is_requested());
        // One abort ends one operation.
        let mut op = a.begin(Limits::default());
        assert!(!op.aborted_at_start());
        op.finish();
        drop(entry);
    }

    #[test]
    fn an_abort_with_no_call_in_progress_is_not_remembered() {
        let a = Abort::default();
        assert!(!a.request());
        let _entry = a.enter();
        let op = a.begin(Limits::default());
        assert!(!op.aborted_at_start() && !a.is_requested());
    }

    #[test]
    fn a_remembered_abort_ends_no_call_entered_after_it() {
        let a = Abort::default();
        let first = a.enter();
        assert!(a.request());
        // Another thread enters after the abort: its operation runs.
        std::thread::scope(|s| {
            s.spawn(|| {
                let _entry = a.enter();
                let op = a.begin(Limits::default());
                assert!(!op.aborted_at_start());
            });
        });
        // The call that was in progress when it came is still ended by it.
        let op = a.begin(Limits::default());
        assert!(op.aborted_at_start());
        drop(op);
        drop(first);
        // The window closed: nothing is remembered.
        let _entry = a.enter();
        assert!(!a.begin(Limits::default()).aborted_at_start());
    }

    #[test]
    fn finish_tells_whether_the_abort_shut_the_socket() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let s = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let a = Abort::default();
        a.watch(&s);
        // Idle: an abort leaves the connection alone.
        assert!(!a.request());
        let _entry = a.enter();
        let mut op = a.begin(Limits::default());
        assert!(!op.finish());
        let mut op = a.begin(Limits::default());
        assert!(a.request());
        assert!(op.finish());
        // After finish, an abort shuts nothing.
        assert!(a.request(), "a call is still in progress, so it is remembered");
        let mut op = a.begin(Limits::default());
        assert!(op.aborted_at_start());
        assert!(!op.finish());
    }

    #[test]
    fn a_softened_operation_keeps_its_socket_until_the_client_is_retired() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let s = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (peer, _) = l.accept().unwrap();
        let a = Abort::default();
        a.watch(&s);
        let _entry = a.enter();
        assert!(!a.soften(), "no operation runs");
        let mut op = a.begin(Limits::default());
        assert!(a.soften());
        assert!(a.request());
        assert!(a.soft_requested() && !a.is_requested());
        // The socket still carries data both ways.
        use std::io::{Read, Write};
        (&peer).write_all(b"x").unwrap();
        let mut buf = [0u8; 1];
        assert_eq!((&s).read(&mut buf).unwrap(), 1);
        assert!(a.harden(), "the abort came while soft");
        assert!(!a.harden() && !a.soft_requested());
        assert!(!op.finish(), "nothing was shut");
        // An abort that already shut the operation down cannot be softened.
        let mut op = a.begin(Limits::default());
        assert!(a.request());
        assert!(!a.soften());
        assert!(op.finish());
        // Retiring the client shuts a softened operation's socket.
        let s = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        a.watch(&s);
        let mut op = a.begin(Limits::default());
        assert!(a.soften());
        a.retire();
        assert!(a.is_requested() && !a.soft_requested());
        assert!(op.finish());
    }

    #[test]
    fn a_socket_watched_after_the_abort_is_shut_at_once() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let s = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let a = Abort::default();
        let _entry = a.enter();
        let mut op = a.begin(Limits::default());
        assert!(a.request());
        a.watch(&s);
        let mut buf = [0u8; 1];
        use std::io::Read;
        assert_eq!((&s).read(&mut buf).unwrap(), 0, "the socket was shut down");
        assert!(op.finish());
    }
}
