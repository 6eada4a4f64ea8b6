//! Ending an operation in progress from another thread.
//!
//! Cross-cutting: the api owns one per client, and the protocol, transport and tls layers all
//! check it, so it sits below every layer (like `error` and `log`).
//!
//! The operation's thread blocks in connect, read or write. `request` sets a flag the connect
//! loop polls, and shuts the socket down, which wakes a blocked read or write at once; the
//! operation then sees the flag and reports "aborted" instead of a network error.

use parking_lot::Mutex;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Default)]
pub struct Abort {
    requested: AtomicBool,
    busy: AtomicBool,
    socket: Mutex<Option<TcpStream>>,
}

impl Abort {
    /// Marks the start of an operation: earlier requests no longer apply.
    pub fn begin(&self) {
        self.requested.store(false, Ordering::SeqCst);
        self.busy.store(true, Ordering::SeqCst);
    }

    pub fn end(&self) {
        self.busy.store(false, Ordering::SeqCst);
    }

    /// Ends the operation in progress, if any. An idle connection is left alone.
    pub fn request(&self) -> bool {
        if !self.busy.load(Ordering::SeqCst) {
            return false;
        }
        self.requested.store(true, Ordering::SeqCst);
        if let Some(s) = self.socket.lock().as_ref() {
            let _ = s.shutdown(Shutdown::Both);
        }
        true
    }

    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Remembers the connection's socket so `request` can shut it down.
    pub fn watch(&self, s: &TcpStream) {
        *self.socket.lock() = s.try_clone().ok();
    }

    pub fn unwatch(&self) {
        *self.socket.lock() = None;
    }
}
