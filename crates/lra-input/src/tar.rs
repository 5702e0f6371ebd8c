//! tar (POSIX ustar and pax, GNU): 512-byte headers, each followed by its entry's bytes padded
//! to 512. Regular files are members; a GNU long name (`L`) or a pax `path` names the next one;
//! directories, links and other entries are skipped. Two zero blocks end the archive.

use crate::layer::{Budget, Layer, OpenMember, Sink, archive_damage};

const BLOCK: usize = 512;

/// Long names and pax headers larger than this are not names: the archive is damaged.
const MAX_META: u64 = 1 << 20;

pub(crate) struct Tar {
    archive: String,
    /// Opens each member's stream.
    open_member: OpenMember,
    budget: Budget,
    state: State,
    /// The header block gathered so far.
    block: Vec<u8>,
    /// The name the next entry takes, from a GNU long name or a pax header.
    next_name: Option<String>,
    /// The last member begun, for messages.
    last: Option<String>,
    offset: u64,
}

enum State {
    Header,
    /// An entry's bytes: to a member (or skipped), then its padding.
    Entry {
        member: Option<Box<dyn Layer>>,
        left: u64,
        pad: u64,
    },
    /// A GNU long name or pax header's bytes, gathered.
    Meta {
        pax: bool,
        data: Vec<u8>,
        left: u64,
        pad: u64,
    },
    /// After the end of the archive, or damage: the rest is ignored.
    Done,
}

impl Tar {
    pub(crate) fn new(archive: String, budget: Budget, open_member: OpenMember) -> Tar {
        let (block, next_name, last) = (Vec::new(), None, None);
        Tar { archive, open_member, budget, state: State::Header, block, next_name, last, offset: 0 }
    }

    fn damaged(&mut self, reason: &str, sink: &mut dyn Sink) {
        sink.problem(archive_damage(&self.archive, reason, self.offset, self.last.as_deref()));
        self.state = State::Done;
    }

    /// Reads a full header block.
    fn header(&mut self, sink: &mut dyn Sink) {
        let h = std::mem::take(&mut self.block);
        if h.iter().all(|&b| b == 0) {
            // The end (two zero blocks, though one is taken as enough).
            self.state = State::Done;
            return;
        }
        if !checksum_ok(&h) {
            return self.damaged("not a valid tar header (its checksum does not match)", sink);
        }
        let Some(size) = number(&h[124..136]) else {
            return self.damaged("not a valid tar header (bad size)", sink);
        };
        let pad = (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64;
        match h[156] {
            b'L' | b'x' => {
                if size > MAX_META {
                    return self.damaged("a tar name or pax header larger than 1 MiB", sink);
                }
                self.state = State::Meta { pax: h[156] == b'x', data: Vec::new(), left: size, pad };
            }
            b'0' | b'\0' | b'7' => {
                let path = self.next_name.take().unwrap_or_else(|| header_path(&h));
                let name = match self.budget.member(&self.archive, path.trim_start_matches("./")) {
                    Ok(name) => name,
                    Err(reason) => return self.damaged(&reason, sink),
                };
                let mut member = (self.open_member)(name.clone());
                self.last = Some(name);
                if size == 0 {
                    member.finish(None, sink);
                    self.state = State::Entry { member: None, left: 0, pad };
                } else {
                    self.state = State::Entry { member: Some(member), left: size, pad };
                }
            }
            _ => {
                // Directories, links, devices, global pax headers: nothing to read.
                self.next_name = None;
                self.state = State::Entry { member: None, left: size, pad };
            }
        }
    }
}

/// The entry's path: ustar's prefix and name.
fn header_path(h: &[u8]) -> String {
    let field =
        |b: &[u8]| String::from_utf8_lossy(&b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())]).into_owned();
    let name = field(&h[0..100]);
    let prefix = if &h[257..263] == b"ustar\0" { field(&h[345..500]) } else { String::new() };
    if prefix.is_empty() { name } else { format!("{prefix}/{name}") }
}

/// The header's checksum: the sum of its bytes with the checksum field taken as spaces.
fn checksum_ok(h: &[u8]) -> bool {
    let Some(stored) = number(&h[148..156]) else { return false };
    let sum: u64 = h.iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u64::from(b) }).sum();
    stored == sum
}

/// An octal field (NUL- or space-terminated), or GNU's base-256 for large sizes.
fn number(field: &[u8]) -> Option<u64> {
    if field[0] & 0x80 != 0 {
        return field[1..]
            .iter()
            .try_fold(u64::from(field[0] & 0x7f), |n, &b| n.checked_mul(256)?.checked_add(b.into()));
    }
    let text = std::str::from_utf8(field).ok()?;
    let digits = text.trim_matches(|c: char| c == '\0' || c == ' ');
    if digits.is_empty() { Some(0) } else { u64::from_str_radix(digits, 8).ok() }
}

/// The `path` record of a pax extended header (`<len> path=<value>\n` records).
fn pax_path(data: &[u8]) -> Option<String> {
    let mut rest = data;
    while !rest.is_empty() {
        let space = rest.iter().position(|&b| b == b' ')?;
        let len: usize = std::str::from_utf8(&rest[..space]).ok()?.parse().ok()?;
        let record = rest.get(space + 1..len)?;
        if let Some(value) = record.strip_prefix(b"path=") {
            return Some(String::from_utf8_lossy(value.strip_suffix(b"\n").unwrap_or(value)).into_owned());
        }
        rest = &rest[len..];
    }
    None
}

impl Layer for Tar {
    fn feed(&mut self, mut bytes: &[u8], sink: &mut dyn Sink) {
        while !bytes.is_empty() {
            match &mut self.state {
                State::Done => return,
                State::Header => {
                    let take = bytes.len().min(BLOCK - self.block.len());
                    self.block.extend_from_slice(&bytes[..take]);
                    bytes = &bytes[take..];
                    if self.block.len() == BLOCK {
                        self.header(sink);
                        self.offset += BLOCK as u64;
                    }
                }
                State::Entry { member, left, pad } => {
                    let take = (*left).min(bytes.len() as u64) as usize;
                    if let Some(m) = member {
                        m.feed(&bytes[..take], sink);
                    }
                    *left -= take as u64;
                    bytes = &bytes[take..];
                    self.offset += take as u64;
                    if *left == 0 {
                        if let Some(mut m) = member.take() {
                            m.finish(None, sink);
                        }
                        let skip = (*pad).min(bytes.len() as u64);
                        *pad -= skip;
                        bytes = &bytes[skip as usize..];
                        self.offset += skip;
                        if *pad == 0 {
                            self.state = State::Header;
                        }
                    }
                }
                State::Meta { pax, data, left, pad } => {
                    let take = (*left).min(bytes.len() as u64) as usize;
                    data.extend_from_slice(&bytes[..take]);
                    *left -= take as u64;
                    bytes = &bytes[take..];
                    self.offset += take as u64;
                    if *left == 0 {
                        let name = if *pax {
                            pax_path(data)
                        } else {
                            let text = &data[..data.iter().position(|&b| b == 0).unwrap_or(data.len())];
                            Some(String::from_utf8_lossy(text).into_owned())
                        };
                        // Held whole (at most MAX_META) until the member's name is made and cut, so
                        // that the cut's hash is the whole name's.
                        self.next_name = name.or(self.next_name.take());
                        // Padding, as for an entry.
                        let pad = *pad;
                        self.state = State::Entry { member: None, left: 0, pad };
                        if pad == 0 {
                            self.state = State::Header;
                        }
                    }
                }
            }
        }
    }

    fn finish(&mut self, damage: Option<String>, sink: &mut dyn Sink) {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Entry { member: Some(mut m), .. } => m.finish(
                Some(damage.unwrap_or_else(|| "truncated: the tar archive ends inside this member".to_owned())),
                sink,
            ),
            State::Header if !self.block.is_empty() => {
                let reason = damage.unwrap_or_else(|| "truncated: the archive ends inside a tar header".to_owned());
                self.damaged(&reason, sink);
            }
            State::Meta { .. } => {
                let reason = damage.unwrap_or_else(|| "truncated: the archive ends inside a tar header".to_owned());
                self.damaged(&reason, sink);
            }
            State::Done => {}
            State::Header | State::Entry { .. } => {
                // Between members: those read are whole; say why the rest is missing, if it is.
                if let Some(reason) = damage {
                    self.damaged(&reason, sink);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_octal_or_base_256() {
        assert_eq!(number(b"00000001750\0"), Some(1000));
        assert_eq!(number(b"     1750 \0"), Some(1000));
        assert_eq!(number(b"\0\0\0\0"), Some(0));
        let mut big = [0u8; 12];
        big[0] = 0x80;
        big[7] = 1; // 2^32
        assert_eq!(number(&big), Some(1 << 32));
        assert_eq!(number(b"12x4"), None);
    }

    #[test]
    fn pax_records_give_the_path() {
        let data = b"20 ctime=1234567890\n23 path=logs/a/run.log\n";
        assert_eq!(pax_path(data).as_deref(), Some("logs/a/run.log"));
        assert_eq!(pax_path(b"9 x=1234\n"), None);
    }
}
