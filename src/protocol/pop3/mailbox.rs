//! The mailbox commands: STAT, LIST, UIDL, DELE, RSET, NOOP.

use super::Pop3Session;
use crate::error::Result;

impl Pop3Session {
    /// STAT: message count and mailbox size.
    pub fn stat(&mut self) -> Result<(u32, u64)> {
        let text = self.expect_ok("STAT", "sending STAT")?;
        let mut w = text.split_ascii_whitespace();
        match (w.next().and_then(|n| n.parse().ok()), w.next().and_then(|n| n.parse().ok())) {
            (Some(n), Some(size)) => Ok((n, size)),
            _ => Err(self.malformed("STAT", &text)),
        }
    }

    /// LIST n: one message's size.
    pub fn list(&mut self, n: u32) -> Result<u64> {
        let text = self.expect_ok(&format!("LIST {n}"), "sending LIST")?;
        match text.split_ascii_whitespace().nth(1).and_then(|s| s.parse().ok()) {
            Some(size) => Ok(size),
            None => Err(self.malformed("LIST", &text)),
        }
    }

    /// UIDL n: one message's unique id.
    pub fn uidl(&mut self, n: u32) -> Result<String> {
        let text = self.expect_ok(&format!("UIDL {n}"), "sending UIDL")?;
        match text.split_ascii_whitespace().nth(1) {
            Some(id) if id.len() <= 70 => Ok(id.to_owned()),
            _ => Err(self.malformed("UIDL", &text)),
        }
    }

    /// UIDL for the whole mailbox: (number, id) pairs.
    pub fn uidl_all(&mut self) -> Result<Vec<(u32, String)>> {
        self.expect_ok("UIDL", "sending UIDL")?;
        let lines = self.listing("reading UIDL")?;
        let mut out = Vec::with_capacity(lines.len());
        for l in lines {
            let mut w = l.split_ascii_whitespace();
            match (w.next().and_then(|n| n.parse().ok()), w.next()) {
                (Some(n), Some(id)) => out.push((n, id.to_owned())),
                _ => return Err(self.malformed("UIDL", &l)),
            }
        }
        Ok(out)
    }

    pub fn dele(&mut self, n: u32) -> Result<()> {
        self.expect_ok(&format!("DELE {n}"), "sending DELE")?;
        self.deleted += 1;
        Ok(())
    }

    pub fn rset(&mut self) -> Result<()> {
        self.expect_ok("RSET", "sending RSET")?;
        self.deleted = 0;
        Ok(())
    }

    pub fn noop(&mut self) -> Result<()> {
        self.expect_ok("NOOP", "sending NOOP").map(|_| ())
    }
}
