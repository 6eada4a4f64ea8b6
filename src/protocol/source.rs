//! Where message bytes come from (SMTP Send) and go to (POP3 RETR/TOP): memory, a file, or an
//! application callback, always in chunks.

use std::fs::File;
use std::io::{self, Read, Write};

/// A message to send.
pub trait MessageSource {
    /// Reads the next chunk; 0 means the end of the message.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// The size, when known in advance (SIZE= and progress totals).
    fn size(&self) -> Option<u64>;
    /// Whether the message's header holds UTF-8 addresses, so MAIL needs the SMTPUTF8
    /// parameter even for an ASCII envelope (RFC 6531 3.4). Raw sources cannot tell: false.
    fn needs_smtputf8(&self) -> bool {
        false
    }
}

impl MessageSource for &[u8] {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Read::read(self, buf)
    }
    fn size(&self) -> Option<u64> {
        Some(self.len() as u64)
    }
}

/// A file, with its length taken at open.
pub struct FileSource {
    file: File,
    len: u64,
}

impl FileSource {
    pub fn open(path: &str) -> io::Result<FileSource> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileSource { file, len })
    }
}

impl MessageSource for FileSource {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
    fn size(&self) -> Option<u64> {
        Some(self.len)
    }
}

/// A read function of unknown total size.
pub struct FnSource<F: FnMut(&mut [u8]) -> io::Result<usize>>(pub F);

impl<F: FnMut(&mut [u8]) -> io::Result<usize>> MessageSource for FnSource<F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (self.0)(buf)
    }
    fn size(&self) -> Option<u64> {
        None
    }
}

/// Where a retrieved message goes.
pub trait MessageSink {
    fn write(&mut self, data: &[u8]) -> io::Result<()>;
    /// Called once the whole message has arrived.
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl MessageSink for Vec<u8> {
    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.extend_from_slice(data);
        Ok(())
    }
}

/// A file written through a buffer and synced to disk at the end, so a reported success means
/// the message is really there.
pub struct FileSink {
    file: io::BufWriter<File>,
}

impl FileSink {
    pub fn create(path: &str) -> io::Result<FileSink> {
        Ok(FileSink { file: io::BufWriter::with_capacity(64 * 1024, File::create(path)?) })
    }
}

impl MessageSink for FileSink {
    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.file.write_all(data)
    }
    fn finish(&mut self) -> io::Result<()> {
        self.file.flush()?;
        self.file.get_ref().sync_data()
    }
}

/// A write function.
pub struct FnSink<F: FnMut(&[u8]) -> io::Result<()>>(pub F);

impl<F: FnMut(&[u8]) -> io::Result<()>> MessageSink for FnSink<F> {
    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        (self.0)(data)
    }
}

/// Progress reports: bytes done and the total when known; returning false asks to stop.
pub type Progress<'a> = &'a mut dyn FnMut(u64, Option<u64>) -> bool;
