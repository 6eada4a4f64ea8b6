//! A callback the application sets, replaces and clears from any thread, with one promise:
//! once `set` returns, the callback it replaced never runs again, so the application may free
//! what the old one's userdata points to.
//!
//! A call holds the slot's shared lock while the application's code runs (recursively, so a
//! callback that makes another call of the same slot, e.g. a log message from inside a log
//! callback's csmail call, does not deadlock); `set` takes the exclusive lock and so waits for
//! calls in progress on other threads. A `set` from inside the slot's own callback, on the
//! thread running it, would wait for itself: it is refused instead (`Reentrant`).

use parking_lot::RwLock;
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    /// The slots whose callback this thread is running (their addresses).
    static RUNNING: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// `set` was called from inside the slot's own callback.
#[derive(Debug, PartialEq, Eq)]
pub struct Reentrant;

impl From<Reentrant> for crate::error::Error {
    fn from(_: Reentrant) -> Self {
        crate::error::Error::new(
            crate::error::CSMAIL_E_REENTRANT,
            crate::error::eexReentrant,
            "a callback tried to replace or clear itself while running; do it after the callback returns",
        )
    }
}

pub struct CallbackSlot<F: ?Sized> {
    slot: RwLock<Option<Arc<F>>>,
}

impl<F: ?Sized> Default for CallbackSlot<F> {
    fn default() -> Self {
        CallbackSlot { slot: RwLock::new(None) }
    }
}

impl<F: ?Sized> CallbackSlot<F> {
    fn id(&self) -> usize {
        self as *const Self as *const u8 as usize
    }

    fn running_here(&self) -> bool {
        let id = self.id();
        RUNNING.try_with(|r| r.try_borrow().is_ok_and(|r| r.contains(&id))).unwrap_or(false)
    }

    /// Replaces (None clears) the callback; returns once no call of the old one is running.
    pub fn set(&self, f: Option<Arc<F>>) -> Result<(), Reentrant> {
        if self.running_here() {
            return Err(Reentrant);
        }
        *self.slot.write() = f;
        Ok(())
    }

    /// The identity of the callback set now (None when cleared): equal values mean the same
    /// callback, so a cache of what was built around it can tell whether it changed.
    pub fn current_id(&self) -> Option<usize> {
        self.slot.read().as_ref().map(|f| Arc::as_ptr(f) as *const () as usize)
    }

    /// Runs `g` with the callback, if one is set; `set` waits until `g` returns.
    pub fn call<R>(&self, g: impl FnOnce(&F) -> R) -> Option<R> {
        let guard = self.slot.read_recursive();
        let f = guard.as_ref()?;
        let id = self.id();
        let _ = RUNNING.try_with(|r| r.try_borrow_mut().map(|mut r| r.push(id)));
        // Popped even if the callback panics (a Rust callback of the rlib API).
        struct Pop(usize);
        impl Drop for Pop {
            fn drop(&mut self) {
                let _ = RUNNING.try_with(|r| {
                    r.try_borrow_mut().map(|mut r| {
                        if let Some(i) = r.iter().rposition(|&x| x == self.0) {
                            r.remove(i);
                        }
                    })
                });
            }
        }
        let _pop = Pop(id);
        Some(g(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn set_from_inside_its_own_callback_is_refused_and_nested_calls_work() {
        let slot: Arc<CallbackSlot<dyn Fn() -> i32 + Send + Sync>> = Arc::new(CallbackSlot::default());
        assert_eq!(slot.call(|f| f()), None);
        let inner = slot.clone();
        slot.set(Some(Arc::new(move || {
            assert_eq!(inner.set(None), Err(Reentrant));
            7
        })))
        .unwrap();
        assert_eq!(slot.call(|f| f()), Some(7));
        let nested = slot.clone();
        assert_eq!(slot.call(|_| nested.call(|f| f())), Some(Some(7)));
        assert_eq!(slot.set(None), Ok(()));
        assert_eq!(slot.call(|f| f()), None);
    }

    #[test]
    fn set_waits_for_a_call_in_progress() {
        let slot: Arc<CallbackSlot<dyn Fn() + Send + Sync>> = Arc::new(CallbackSlot::default());
        let inside = Arc::new(std::sync::Barrier::new(2));
        let finished = Arc::new(AtomicBool::new(false));
        let (i, f) = (inside.clone(), finished.clone());
        slot.set(Some(Arc::new(move || {
            i.wait();
            // Long enough that a set that does not wait returns first.
            std::thread::sleep(std::time::Duration::from_millis(200));
            f.store(true, Ordering::SeqCst);
        })))
        .unwrap();
        let s = slot.clone();
        let caller = std::thread::spawn(move || s.call(|f| f()));
        inside.wait();
        slot.set(None).unwrap();
        assert!(finished.load(Ordering::SeqCst), "set returned while the old callback was still running");
        caller.join().unwrap();
        assert_eq!(slot.call(|f| f()), None);
    }
}
