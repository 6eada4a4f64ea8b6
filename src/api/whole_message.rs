//! Whole messages out of a batch: the sinks a batch retrieval (POP3 RETR, IMAP UID FETCH) opens
//! one per message, each handing its message whole to one callback once it has arrived.

use crate::protocol::source::MessageSink;
use std::cell::RefCell;
use std::io;
use std::rc::Rc;

/// A batch's sink: collects one message and hands it whole to `deliver` once it has arrived.
/// The messages of a batch arrive one after the other, so they share one buffer (grown to the
/// largest message once), not a fresh one each.
struct WholeMessage<F> {
    number: u32,
    data: Rc<RefCell<Vec<u8>>>,
    deliver: F,
}

impl<F: FnMut(u32, &[u8]) -> io::Result<()>> MessageSink for WholeMessage<F> {
    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.data.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        let mut data = self.data.borrow_mut();
        let r = (self.deliver)(self.number, &data);
        data.clear();
        r
    }
}

/// The opener of a batch whose messages go whole to `deliver(number, bytes)`.
pub(crate) fn whole_messages<F>(deliver: F) -> impl FnMut(u32) -> Box<dyn MessageSink>
where
    F: FnMut(u32, &[u8]) -> io::Result<()> + Clone + 'static,
{
    let buffer = Rc::new(RefCell::new(Vec::new()));
    move |n: u32| -> Box<dyn MessageSink> {
        buffer.borrow_mut().clear();
        Box::new(WholeMessage { number: n, data: buffer.clone(), deliver: deliver.clone() })
    }
}
