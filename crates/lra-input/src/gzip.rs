//! gzip (RFC 1952): members one after another, each a header, raw deflate data and a trailer
//! holding the CRC-32 and size of its content. Concatenated members are one stream, as `zcat`
//! reads them.

use crate::inflate::Inflater;
use crate::layer::{Layer, Sink};

/// Flags a decoder must refuse (RFC 1952: reserved, must be zero).
const RESERVED: u8 = 0b1110_0000;
const FHCRC: u8 = 0b10;
const FEXTRA: u8 = 0b100;
const FNAME: u8 = 0b1000;
const FCOMMENT: u8 = 0b1_0000;

pub(crate) struct Gzip {
    inner: Box<dyn Layer>,
    state: State,
    /// Header or trailer bytes gathered so far.
    pending: Vec<u8>,
    inflater: Inflater,
    crc: crc32fast::Hasher,
    /// The content's size modulo 2^32, as the trailer has it.
    size: u32,
    /// Bytes of the gzip stream used so far, for messages.
    offset: u64,
    members: u32,
}

#[derive(PartialEq)]
enum State {
    Header,
    Body,
    Trailer,
    /// After a trailer: another member, or the end.
    Between,
    /// Damaged: the rest is ignored.
    Stopped,
}

impl Gzip {
    pub(crate) fn new(inner: Box<dyn Layer>) -> Gzip {
        Gzip {
            inner,
            state: State::Header,
            pending: Vec::new(),
            inflater: Inflater::new(),
            crc: crc32fast::Hasher::new(),
            size: 0,
            offset: 0,
            members: 0,
        }
    }

    fn stop(&mut self, reason: String, sink: &mut dyn Sink) {
        self.state = State::Stopped;
        self.inner.finish(Some(reason), sink);
    }
}

/// The length of the header at the start of `b`: `Ok(None)` if more bytes are needed.
fn header_len(b: &[u8]) -> Result<Option<usize>, String> {
    if b.len() < 10 {
        return Ok(None);
    }
    if b[0] != 0x1f || b[1] != 0x8b {
        return Err("not a gzip member".to_owned());
    }
    if b[2] != 8 {
        return Err(format!("unknown gzip compression method {}", b[2]));
    }
    let flags = b[3];
    if flags & RESERVED != 0 {
        return Err("reserved gzip header flags are set".to_owned());
    }
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let Some(len) = b.get(at..at + 2) else { return Ok(None) };
        at += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            match b.get(at..).and_then(|rest| rest.iter().position(|&c| c == 0)) {
                Some(nul) => at += nul + 1,
                None => return Ok(None),
            }
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    Ok((b.len() >= at).then_some(at))
}

impl Layer for Gzip {
    fn feed(&mut self, mut bytes: &[u8], sink: &mut dyn Sink) {
        while !bytes.is_empty() {
            match self.state {
                State::Stopped => return,
                State::Between => {
                    // Padding of zero bytes after the last member is common and harmless.
                    if bytes[0] == 0 && self.pending.is_empty() {
                        let zeros = bytes.iter().take_while(|&&b| b == 0).count();
                        self.offset += zeros as u64;
                        bytes = &bytes[zeros..];
                        continue;
                    }
                    self.state = State::Header;
                }
                State::Header => {
                    // Headers are short, except for a long name or comment: gather them.
                    let before = self.pending.len();
                    let take = bytes.len().min(64 << 10);
                    self.pending.extend_from_slice(&bytes[..take]);
                    match header_len(&self.pending) {
                        Ok(None) if self.pending.len() > 1 << 20 => {
                            let at = self.offset;
                            return self.stop(format!("a gzip header at byte {at} is longer than 1 MiB"), sink);
                        }
                        Ok(None) => {
                            bytes = &bytes[take..];
                        }
                        Ok(Some(len)) => {
                            bytes = &bytes[len - before..];
                            self.offset += len as u64;
                            self.pending.clear();
                            self.state = State::Body;
                            self.members += 1;
                            if self.members > 1 {
                                self.inflater.reset();
                            }
                            self.crc = crc32fast::Hasher::new();
                            self.size = 0;
                        }
                        Err(e) => {
                            let at = self.offset;
                            let what =
                                if self.members == 0 { e } else { format!("{e} after gzip member {}", self.members) };
                            return self.stop(format!("{what} (at byte {at})"), sink);
                        }
                    }
                }
                State::Body => {
                    let Gzip { inner, inflater, crc, size, .. } = self;
                    let result = inflater.push(bytes, &mut |out| {
                        crc.update(out);
                        *size = size.wrapping_add(out.len() as u32);
                        inner.feed(out, sink);
                    });
                    match result {
                        Ok((used, ended)) => {
                            bytes = &bytes[used..];
                            self.offset += used as u64;
                            if ended {
                                self.state = State::Trailer;
                            }
                        }
                        Err(e) => return self.stop(format!("{e} in gzip member {}", self.members), sink),
                    }
                }
                State::Trailer => {
                    let take = bytes.len().min(8 - self.pending.len());
                    self.pending.extend_from_slice(&bytes[..take]);
                    bytes = &bytes[take..];
                    self.offset += take as u64;
                    if self.pending.len() == 8 {
                        let t = &self.pending;
                        let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
                        let size = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
                        self.pending.clear();
                        let computed = std::mem::take(&mut self.crc).finalize();
                        if crc != computed || size != self.size {
                            let n = self.members;
                            return self
                                .stop(format!("gzip member {n} is corrupt: its CRC or size does not match"), sink);
                        }
                        self.state = State::Between;
                    }
                }
            }
        }
    }

    fn finish(&mut self, damage: Option<String>, sink: &mut dyn Sink) {
        let truncated = match self.state {
            State::Stopped => return,
            State::Between => None,
            State::Header if self.members > 0 && damage.is_none() => {
                Some(format!("truncated: {} stray bytes after the last gzip member", self.pending.len()))
            }
            _ => Some(format!("truncated: the gzip stream ends inside member {}", self.members.max(1))),
        };
        self.state = State::Stopped;
        self.inner.finish(damage.or(truncated), sink);
    }
}

#[cfg(test)]
mod tests {
    use super::header_len;

    #[test]
    fn headers_with_optional_fields_have_their_length() {
        let plain = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
        assert_eq!(header_len(&plain), Ok(Some(10)));
        assert_eq!(header_len(&plain[..9]), Ok(None));
        let mut named = plain.to_vec();
        named[3] = super::FNAME | super::FHCRC;
        named.extend_from_slice(b"a.log\0\x12\x34");
        assert_eq!(header_len(&named), Ok(Some(18)));
        assert_eq!(header_len(&named[..14]), Ok(None));
        assert!(header_len(&[0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 3]).unwrap_err().contains("method 7"));
    }
}
