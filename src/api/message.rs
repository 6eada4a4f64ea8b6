//! The Message object, as far as the clients need it: the raw RFC 5322 bytes of a message
//! retrieved by POP3Client (building and parsing MIME comes later).

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    data: Vec<u8>,
}

impl Message {
    pub fn from_bytes(data: Vec<u8>) -> Message {
        Message { data }
    }
    pub fn data(&self) -> &[u8] {
        &self.data
    }
}
