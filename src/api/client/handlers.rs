//! The advanced handlers attached to a client (SetAdvancedHandler): one SSLInfo, one
//! LogHandler, one proxy, each replaced by the next of its kind.

use crate::api::proxyinfo::{ProxyInfo, ProxyKind};
use crate::api::sslinfo::SslInfo;
use crate::api::AdvancedHandler;
use crate::error::{self, Error, Result};
use crate::log::{LogHandler, Logger};
use parking_lot::Mutex;
use std::sync::Arc;

#[derive(Default)]
pub(crate) struct Handlers {
    ssl: Mutex<Option<Arc<SslInfo>>>,
    log: Mutex<Option<Arc<LogHandler>>>,
    proxy: Mutex<Option<Arc<ProxyInfo>>>,
}

/// Empties `slot` if it holds `handler` itself; returns whether it did.
fn remove_if_same<T>(slot: &Mutex<Option<Arc<T>>>, handler: &Arc<T>) -> bool {
    let mut cur = slot.lock();
    let same = cur.as_ref().is_some_and(|c| Arc::ptr_eq(c, handler));
    if same {
        *cur = None;
    }
    same
}

impl Handlers {
    /// Attaches a handler. An application proxy of another protocol (POP3ProxyInfo on an
    /// SMTPClient) is refused: `own_proxy` is the kind that serves this client, if any.
    pub(crate) fn set(&self, h: AdvancedHandler, own_proxy: Option<ProxyKind>) -> Result<()> {
        match h {
            AdvancedHandler::Ssl(s) => *self.ssl.lock() = Some(s),
            AdvancedHandler::Log(l) => *self.log.lock() = Some(l),
            AdvancedHandler::Proxy(p) => {
                if !matches!(p.kind(), ProxyKind::Tunnel(_)) && Some(p.kind()) != own_proxy {
                    return Err(Error::new(
                        error::CSMAIL_E_NOT_SUPPORTED,
                        error::eexNotSupported,
                        "POP3ProxyInfo serves POP3Client and SMTPProxyInfo serves SMTPClient",
                    ));
                }
                *self.proxy.lock() = Some(p)
            }
        }
        Ok(())
    }

    /// Removes a handler if it is the one attached; returns whether it was.
    pub(crate) fn remove(&self, h: &AdvancedHandler) -> bool {
        match h {
            AdvancedHandler::Ssl(s) => remove_if_same(&self.ssl, s),
            AdvancedHandler::Log(l) => remove_if_same(&self.log, l),
            AdvancedHandler::Proxy(p) => remove_if_same(&self.proxy, p),
        }
    }

    pub(crate) fn ssl(&self) -> Option<Arc<SslInfo>> {
        self.ssl.lock().clone()
    }

    pub(crate) fn proxy(&self) -> Option<Arc<ProxyInfo>> {
        self.proxy.lock().clone()
    }

    pub(crate) fn logger(&self) -> Logger {
        Logger::new(self.log.lock().clone())
    }
}
