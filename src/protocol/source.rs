//! Where message bytes come from (SMTP Send) and go to (POP3 RETR/TOP): memory, a file, or an
//! application callback, always in chunks.

use super::dotstuff::{Measure, Shape};
use std::fs::File;
use std::io::{self, Read, Seek, Write};

/// A message to send.
pub trait MessageSource {
    /// Reads the next chunk; 0 means the end of the message.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// The size in bytes, when known in advance (progress totals).
    fn size(&self) -> Option<u64>;
    /// The whole message when it is already in memory: it is then stuffed straight from it,
    /// without a copy into a read buffer first.
    fn in_memory(&self) -> Option<&[u8]> {
        None
    }
    /// What MAIL FROM declares, when it can be known before sending: the RFC 1870 size for
    /// SIZE= and whether there are 8-bit bytes (BODY=8BITMIME). None when the bytes cannot be
    /// looked at beforehand (a read callback): then no SIZE= is declared, and BODY=8BITMIME is
    /// (RFC 6152 allows it for 7-bit data too).
    fn shape(&mut self) -> io::Result<Option<Shape>> {
        Ok(None)
    }
    /// An address of the message's header that is not ASCII, described for the error text
    /// ("the Reply-To address jörg@bücher.example"): MAIL then needs SMTPUTF8 even for an ASCII
    /// envelope (RFC 6531 3.4). Raw sources cannot tell: None.
    fn utf8_header_address(&self) -> Option<&str> {
        None
    }
}

impl MessageSource for &[u8] {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Read::read(self, buf)
    }
    fn size(&self) -> Option<u64> {
        Some(self.len() as u64)
    }
    fn in_memory(&self) -> Option<&[u8]> {
        Some(self)
    }
    fn shape(&mut self) -> io::Result<Option<Shape>> {
        let mut m = Measure::new();
        m.push(self);
        Ok(Some(m.finish()))
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
    /// Reads the file through once (from where reading stands) and goes back there.
    fn shape(&mut self) -> io::Result<Option<Shape>> {
        let start = self.file.stream_position()?;
        let mut m = Measure::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = self.file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            m.push(&buf[..n]);
        }
        self.file.seek(io::SeekFrom::Start(start))?;
        Ok(Some(m.finish()))
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

/// A source whose size the application states (a read callback of a known length, for an IMAP
/// APPEND literal); None keeps it unknown.
pub struct SizedSource<S: MessageSource>(pub S, pub Option<u64>);

impl<S: MessageSource> MessageSource for SizedSource<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
    fn size(&self) -> Option<u64> {
        self.1
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

/// The smallest piece a [`ChunkedSink`] hands on before the message ends.
const MIN_PIECE: usize = 16 * 1024;
/// A [`ChunkedSink`] collects pieces up to this size.
const TARGET_PIECE: usize = 64 * 1024;

/// Passes a message on in pieces of at least 16 KiB (only the message's
/// last piece may be smaller): the unstuffer hands out spans as they arrive, often a line or a
/// TLS record at a time, and each piece costs a call into the application (C, Python, VB).
pub struct ChunkedSink<S: MessageSink> {
    inner: S,
    buf: Vec<u8>,
}

impl<S: MessageSink> ChunkedSink<S> {
    pub fn new(inner: S) -> ChunkedSink<S> {
        ChunkedSink { inner, buf: Vec::new() }
    }

    fn pass_buffer(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let r = self.inner.write(&self.buf);
        self.buf.clear();
        r
    }
}

impl<S: MessageSink> MessageSink for ChunkedSink<S> {
    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        if self.buf.is_empty() && data.len() >= MIN_PIECE {
            // Big enough already: no copy.
            return self.inner.write(data);
        }
        if self.buf.capacity() == 0 {
            self.buf.reserve_exact(TARGET_PIECE);
        }
        if self.buf.len() + data.len() > TARGET_PIECE && self.buf.len() >= MIN_PIECE {
            self.pass_buffer()?;
            if data.len() >= MIN_PIECE {
                return self.inner.write(data);
            }
        }
        self.buf.extend_from_slice(data);
        if self.buf.len() >= TARGET_PIECE {
            self.pass_buffer()?;
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.pass_buffer()?;
        self.inner.finish()
    }
}

/// Progress reports: bytes done and the total when known; returning false asks to stop.
pub type Progress<'a> = &'a mut dyn FnMut(u64, Option<u64>) -> bool;

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the size of every piece and the bytes.
    #[derive(Default)]
    struct Pieces {
        sizes: Vec<usize>,
        bytes: Vec<u8>,
        finished: bool,
    }

    impl MessageSink for &mut Pieces {
        fn write(&mut self, data: &[u8]) -> io::Result<()> {
            self.sizes.push(data.len());
            self.bytes.extend_from_slice(data);
            Ok(())
        }
        fn finish(&mut self) -> io::Result<()> {
            self.finished = true;
            Ok(())
        }
    }

    fn through_chunked(spans: &[usize]) -> Pieces {
        let mut p = Pieces::default();
        let mut sink = ChunkedSink::new(&mut p);
        let mut next = 0u8;
        for &n in spans {
            let data: Vec<u8> = (0..n)
                .map(|_| {
                    next = next.wrapping_add(1);
                    next
                })
                .collect();
            sink.write(&data).unwrap();
        }
        sink.finish().unwrap();
        drop(sink);
        p
    }

    #[test]
    fn pieces_are_at_least_16_kib_except_the_last() {
        let min = MIN_PIECE;
        // Lines of 49 bytes, TLS-record-sized spans, and a mix with big spans.
        for spans in [vec![49; 21_400], vec![16_384; 64], [vec![70; 500], vec![100_000], vec![3; 10]].concat()] {
            let total: usize = spans.iter().sum();
            let p = through_chunked(&spans);
            assert!(p.finished);
            assert_eq!(p.bytes.len(), total);
            let expected: Vec<u8> = (1..=total).map(|i| (i % 256) as u8).collect();
            assert_eq!(p.bytes, expected, "bytes in order");
            let (last, rest) = p.sizes.split_last().unwrap();
            assert!(rest.iter().all(|&n| n >= min), "{:?}", p.sizes);
            assert!(*last > 0);
            assert!(p.sizes.len() <= total / min + 1, "{} pieces for {total} bytes", p.sizes.len());
        }
        // A small message is one piece.
        assert_eq!(through_chunked(&[10, 20, 30]).sizes, vec![60]);
        assert_eq!(through_chunked(&[]).sizes, Vec::<usize>::new());
    }

    /// A file's shape is its bytes' shape, and reading afterwards still starts at the beginning.
    #[test]
    fn file_shape_then_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.eml");
        let body = "Subject: \u{e9}\n\n.x\nend".as_bytes();
        std::fs::write(&path, body).unwrap();
        let mut f = FileSource::open(path.to_str().unwrap()).unwrap();
        let mut m = Measure::new();
        m.push(body);
        assert_eq!(f.shape().unwrap(), Some(m.finish()));
        assert_eq!(f.shape().unwrap().unwrap().size, 11 + 2 + 2 + 4 + 5);
        let mut back = Vec::new();
        let mut buf = [0u8; 7];
        loop {
            let n = MessageSource::read(&mut f, &mut buf).unwrap();
            if n == 0 {
                break;
            }
            back.extend_from_slice(&buf[..n]);
        }
        assert_eq!(back, body);
    }

    #[test]
    fn callbacks_have_no_shape() {
        let mut f = FnSource(|_: &mut [u8]| Ok(0));
        assert_eq!(f.shape().unwrap(), None);
        let mut mem: &[u8] = b"a\r\n";
        assert_eq!(mem.shape().unwrap(), Some(Shape { size: 3, eight_bit: false, nul: false }));
    }
}
