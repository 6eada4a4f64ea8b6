//! The handle registry: opaque tokens mapped to reference-counted objects.
//!
//! A handle is a token from a counter that never repeats, not an address, so a released handle
//! can never alias a newer object and a stale pointer is simply "not found". A lookup clones
//! the object's Arc and releases the registry lock at once, so an operation running on one
//! thread never blocks handle lookups (abort, release) on another.

use crate::api::client::{Client, Protocol};
use crate::api::{ErrorInfo, LogHandler, Message, Pop3, Pop3Client, ProxyInfo, Smtp, SmtpClient, SslInfo};
use crate::error::{Error, Result};
use once_cell::sync::Lazy;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Clone)]
pub enum Object {
    Smtp(Arc<SmtpClient>),
    Pop3(Arc<Pop3Client>),
    Ssl(Arc<SslInfo>),
    Log(Arc<LogHandler>),
    Error(Arc<ErrorInfo>),
    Message(Arc<Message>),
    Proxy(Arc<ProxyInfo>),
}

struct Entry {
    refs: u32,
    object: Object,
}

static REGISTRY: Lazy<RwLock<HashMap<usize, Entry>>> = Lazy::new(|| RwLock::new(HashMap::new()));
/// Tokens look like aligned pointers and start well above the NULL page.
static NEXT: AtomicUsize = AtomicUsize::new(0x0010_0000);

/// Registers an object with one reference; returns its token.
pub fn register(object: Object) -> usize {
    let token = NEXT.fetch_add(16, Ordering::Relaxed);
    REGISTRY.write().insert(token, Entry { refs: 1, object });
    token
}

pub fn lookup(token: usize) -> Option<Object> {
    REGISTRY.read().get(&token).map(|e| e.object.clone())
}

pub fn addref(token: usize) -> bool {
    match REGISTRY.write().get_mut(&token) {
        Some(e) if e.refs < u32::MAX => {
            e.refs += 1;
            true
        }
        _ => false,
    }
}

/// Drops one reference; the object goes away with the last (clients keep their own Arc to
/// every handler attached to them).
pub fn release(token: usize) -> bool {
    let removed = {
        let mut reg = REGISTRY.write();
        match reg.get_mut(&token) {
            None => return false,
            Some(e) if e.refs > 1 => {
                e.refs -= 1;
                None
            }
            Some(_) => reg.remove(&token),
        }
    };
    // The object is dropped here, outside the lock: dropping a client closes its connection.
    drop(removed);
    true
}

macro_rules! typed_lookup {
    ($fn_name:ident, $variant:ident, $ty:ty, $what:expr) => {
        pub fn $fn_name<T>(p: *const T) -> Result<Arc<$ty>> {
            match lookup(p as usize) {
                Some(Object::$variant(o)) => Ok(o),
                _ => Err(Error::invalid_handle($what)),
            }
        }
    };
}

typed_lookup!(ssl, Ssl, SslInfo, "SSLInfo handle");
typed_lookup!(log, Log, LogHandler, "LogHandler handle");
typed_lookup!(error_info, Error, ErrorInfo, "ErrorInfo handle");
typed_lookup!(message, Message, Message, "Message handle");
typed_lookup!(proxy, Proxy, ProxyInfo, "ProxyInfo handle");

/// Releases a handle of the expected kind only.
pub fn release_typed<T>(p: *const T, check: impl Fn(&Object) -> bool, what: &str) -> Result<()> {
    match lookup(p as usize) {
        Some(o) if check(&o) => {
            release(p as usize);
            Ok(())
        }
        _ => Err(Error::invalid_handle(what)),
    }
}

pub fn addref_typed<T>(p: *const T, check: impl Fn(&Object) -> bool, what: &str) -> Result<()> {
    match lookup(p as usize) {
        Some(o) if check(&o) && addref(p as usize) => Ok(()),
        _ => Err(Error::invalid_handle(what)),
    }
}

/// A protocol whose clients the registry holds: how its client goes in and out of an Object.
pub trait RegisteredClient: Protocol + Sized {
    /// The handle's name in error texts.
    const WHAT: &'static str;
    fn wrap(client: Arc<Client<Self>>) -> Object;
    fn unwrap(object: &Object) -> Option<&Arc<Client<Self>>>;
}

macro_rules! registered_client {
    ($protocol:ident, $variant:ident, $what:expr) => {
        impl RegisteredClient for $protocol {
            const WHAT: &'static str = $what;
            fn wrap(client: Arc<Client<$protocol>>) -> Object {
                Object::$variant(client)
            }
            fn unwrap(object: &Object) -> Option<&Arc<Client<$protocol>>> {
                match object {
                    Object::$variant(c) => Some(c),
                    _ => None,
                }
            }
        }
    };
}

registered_client!(Smtp, Smtp, "SMTPClient handle");
registered_client!(Pop3, Pop3, "POP3Client handle");

/// The client of protocol `P` behind a handle.
pub fn client<P: RegisteredClient, T>(p: *const T) -> Result<Arc<Client<P>>> {
    lookup(p as usize).as_ref().and_then(P::unwrap).cloned().ok_or_else(|| Error::invalid_handle(P::WHAT))
}
