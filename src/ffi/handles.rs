//! The handle registry: opaque tokens mapped to reference-counted objects.
//!
//! A handle is a token made from a counter that never repeats, not an address, so a released
//! handle can never alias a newer object and a stale pointer is simply "not found". The counter
//! goes through a keyed permutation (a per-process random key), so tokens are not sequential:
//! a value computed from a live handle (`h - 16`) or carried over from another process is not
//! someone else's object. A lookup clones
//! the object's Arc and releases the registry lock at once, so an operation running on one
//! thread never blocks handle lookups (abort, release) on another.

use crate::api::client::{Client, Protocol};
use crate::api::imap_objects::{FetchList, SearchBuilder};
use crate::api::{
    ErrorInfo, Imap, ImapClient, LogHandler, Message, Pop3, Pop3Client, ProxyInfo, Section, Smtp, SmtpClient, SslInfo,
};
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
    Imap(Arc<ImapClient>),
    Ssl(Arc<SslInfo>),
    Log(Arc<LogHandler>),
    Error(Arc<ErrorInfo>),
    Message(Arc<Message>),
    Proxy(Arc<ProxyInfo>),
    Section(Arc<Section>),
    Search(Arc<SearchBuilder>),
    FetchList(Arc<FetchList>),
}

struct Entry {
    refs: u32,
    object: Object,
}

static REGISTRY: Lazy<RwLock<HashMap<usize, Entry>>> = Lazy::new(|| RwLock::new(HashMap::new()));
/// The counter of registrations; each one's token is `token_of(n)`.
static NEXT: AtomicUsize = AtomicUsize::new(1);
/// The per-process key of the token permutation.
static KEY: Lazy<usize> = Lazy::new(|| {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new().build_hasher().finish() as usize
});

/// Bits of the permuted counter: the token is `1 PERMUTED 0000` in binary, so it is aligned
/// like a pointer, never NULL, and never in the low pages.
const PERMUTED_BITS: u32 = usize::BITS - 5;

/// The token of registration `n`: XOR with the key and multiplication by an odd number are
/// both one-to-one modulo 2^PERMUTED_BITS, so tokens repeat only after 2^PERMUTED_BITS
/// registrations (and `register` skips one still in use), while neighbouring counters give
/// unrelated tokens.
fn token_of(n: usize) -> usize {
    let mask = (1usize << PERMUTED_BITS) - 1;
    let permuted = ((n ^ *KEY) & mask).wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as usize | 1) & mask;
    ((1usize << PERMUTED_BITS) | permuted) << 4
}

/// Registers an object with one reference; returns its token.
pub fn register(object: Object) -> usize {
    let mut reg = REGISTRY.write();
    loop {
        let token = token_of(NEXT.fetch_add(1, Ordering::Relaxed));
        if let std::collections::hash_map::Entry::Vacant(v) = reg.entry(token) {
            v.insert(Entry { refs: 1, object });
            return token;
        }
    }
}

pub fn lookup(token: usize) -> Option<Object> {
    REGISTRY.read().get(&token).map(|e| e.object.clone())
}

/// An object type the registry holds: how it goes in and out of an Object, and its name in
/// error texts. Every handle function (lookup, addref, release) is written once over this.
pub trait Registered {
    /// The handle's name in error texts.
    const WHAT: &'static str;
    fn wrap(object: Arc<Self>) -> Object;
    fn unwrap(object: &Object) -> Option<&Arc<Self>>;
    /// Called when the last C reference goes; the object itself may live on in a call running
    /// on another thread.
    fn last_reference_released(_object: &Arc<Self>) {}
}

macro_rules! registered {
    ($ty:ty, $variant:ident, $what:expr) => {
        impl Registered for $ty {
            const WHAT: &'static str = $what;
            fn wrap(object: Arc<$ty>) -> Object {
                Object::$variant(object)
            }
            fn unwrap(object: &Object) -> Option<&Arc<$ty>> {
                match object {
                    Object::$variant(o) => Some(o),
                    _ => None,
                }
            }
        }
    };
}

registered!(SslInfo, Ssl, "SSLInfo handle");
registered!(LogHandler, Log, "LogHandler handle");
registered!(ErrorInfo, Error, "ErrorInfo handle");
registered!(Message, Message, "Message handle");
registered!(ProxyInfo, Proxy, "ProxyInfo handle");
registered!(Section, Section, "Section handle");
registered!(SearchBuilder, Search, "search criteria handle");
registered!(FetchList, FetchList, "fetch list handle");

/// Registers an object with one reference; returns its token.
pub fn register_as<T: Registered>(object: Arc<T>) -> usize {
    register(T::wrap(object))
}

/// The object of type `T` behind a handle; any other handle is invalid.
pub fn get<T: Registered, H>(p: *const H) -> Result<Arc<T>> {
    lookup(p as usize).as_ref().and_then(T::unwrap).cloned().ok_or_else(|| Error::invalid_handle(T::WHAT))
}

/// Adds a reference to a handle of type `T` only; the check and the count are one step under
/// the registry lock.
pub fn addref_as<T: Registered, H>(p: *const H) -> Result<()> {
    match REGISTRY.write().get_mut(&(p as usize)) {
        Some(e) if T::unwrap(&e.object).is_some() && e.refs < u32::MAX => {
            e.refs += 1;
            Ok(())
        }
        _ => Err(Error::invalid_handle(T::WHAT)),
    }
}

/// Releases a handle of type `T` only; the object goes away with the last reference (clients
/// keep their own Arc to every handler attached to them). The check and the release are one
/// step under the registry lock, so of several threads releasing the last reference exactly
/// one succeeds and the others get an invalid handle.
pub fn release_as<T: Registered, H>(p: *const H) -> Result<()> {
    let token = p as usize;
    let removed = {
        let mut reg = REGISTRY.write();
        match reg.get_mut(&token) {
            Some(e) if T::unwrap(&e.object).is_some() => {
                if e.refs > 1 {
                    e.refs -= 1;
                    None
                } else {
                    reg.remove(&token)
                }
            }
            _ => return Err(Error::invalid_handle(T::WHAT)),
        }
    };
    // The object is dropped here, outside the lock: dropping a client closes its connection.
    if let Some(o) = removed.as_ref().and_then(|e| T::unwrap(&e.object)) {
        T::last_reference_released(o);
    }
    drop(removed);
    Ok(())
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
registered_client!(Imap, Imap, "IMAPClient handle");

impl<P: RegisteredClient> Registered for Client<P> {
    const WHAT: &'static str = P::WHAT;
    fn wrap(client: Arc<Client<P>>) -> Object {
        P::wrap(client)
    }
    fn unwrap(object: &Object) -> Option<&Arc<Client<P>>> {
        P::unwrap(object)
    }
    /// An operation still running on another thread holds the client: it is aborted, so it
    /// returns at once instead of running to its timeout for an application that let go.
    fn last_reference_released(client: &Arc<Client<P>>) {
        client.retire();
    }
}
