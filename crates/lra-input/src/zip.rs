//! ZIP, read as a stream from its local headers, in the order the entries were written: the
//! central directory at the end is not needed, so nothing waits for the whole file. Entries may
//! be stored or deflated (other methods are reported), with or without a data descriptor, and
//! zip64.
//!
//! A stored entry whose size is only in a data descriptor cannot be streamed (nothing marks its
//! end); it is reported, and the entries after it cannot be found.

use crate::inflate::Inflater;
use crate::layer::{Budget, Layer, OpenMember, Sink, archive_damage};

const LOCAL: u32 = 0x0403_4b50;
const DESCRIPTOR: u32 = 0x0807_4b50;
/// Signatures of what follows the entries: central directory, end records, signatures.
const AFTER_ENTRIES: [u32; 6] = [0x0201_4b50, 0x0605_4b50, 0x0606_4b50, 0x0706_4b50, 0x0505_4b50, 0x0806_4b50];

pub(crate) struct Zip {
    archive: String,
    /// Opens each member's stream.
    open_member: OpenMember,
    budget: Budget,
    state: State,
    /// A header or descriptor gathered so far.
    pending: Vec<u8>,
    inflater: Option<Inflater>,
    last: Option<String>,
    offset: u64,
}

enum State {
    Signature,
    /// A local header: 30 bytes, then its name and extra field.
    Local,
    Data(Entry),
    /// Bytes to pass over: an entry not read, or what a deflate stream left of its stated size.
    Skip {
        left: u64,
        then: Option<Entry>,
    },
    Descriptor(Entry),
    Done,
}

#[derive(Clone, Copy, PartialEq)]
enum Method {
    Stored,
    Deflate,
}

struct Entry {
    member: Option<Box<dyn Layer>>,
    method: Method,
    /// Compressed bytes left, when the local header states them.
    left: Option<u64>,
    crc: u32,
    hasher: crc32fast::Hasher,
    descriptor: bool,
    zip64: bool,
    /// Where its data starts in the archive: damage found inside it is placed there, since how
    /// far the decoder had read depends on how the archive was cut into slices.
    data_start: u64,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from(u32_at(b, at)) | (u64::from(u32_at(b, at + 4)) << 32)
}

impl Zip {
    pub(crate) fn new(archive: String, budget: Budget, open_member: OpenMember) -> Zip {
        let (pending, inflater, last) = (Vec::new(), None, None);
        Zip { archive, open_member, budget, state: State::Signature, pending, inflater, last, offset: 0 }
    }

    fn damaged(&mut self, reason: &str, sink: &mut dyn Sink) {
        self.damaged_at(reason, self.offset, sink);
    }

    fn damaged_at(&mut self, reason: &str, at: u64, sink: &mut dyn Sink) {
        sink.problem(archive_damage(&self.archive, reason, at, self.last.as_deref()));
        self.state = State::Done;
    }

    /// Gathers `n` bytes into `pending` from `bytes`; whether they are all there.
    fn gather(&mut self, n: usize, bytes: &mut &[u8]) -> bool {
        let take = n.saturating_sub(self.pending.len()).min(bytes.len());
        self.pending.extend_from_slice(&bytes[..take]);
        *bytes = &bytes[take..];
        self.offset += take as u64;
        self.pending.len() >= n
    }

    /// Starts the entry whose whole local header is in `pending`.
    fn local(&mut self, sink: &mut dyn Sink) {
        let h = std::mem::take(&mut self.pending);
        let (flags, method) = (u16_at(&h, 6), u16_at(&h, 8));
        // The uncompressed size is not needed, but comes first in a zip64 extra field.
        let (crc, mut csize, mut size) = (u32_at(&h, 14), u64::from(u32_at(&h, 18)), u64::from(u32_at(&h, 22)));
        let name_len = usize::from(u16_at(&h, 26));
        let raw_name = &h[30..30 + name_len];
        let mut extra = &h[30 + name_len..];
        let mut zip64 = false;
        while extra.len() >= 4 {
            let (id, len) = (u16_at(extra, 0), usize::from(u16_at(extra, 2)));
            let Some(data) = extra.get(4..4 + len) else { break };
            if id == 1 {
                zip64 = true;
                let mut at = 0;
                for field in [&mut size, &mut csize] {
                    if *field == u64::from(u32::MAX) && data.len() >= at + 8 {
                        *field = u64_at(data, at);
                        at += 8;
                    }
                }
            }
            extra = &extra[4 + len..];
        }
        let descriptor = flags & 0b1000 != 0;
        // With a descriptor, the header's sizes may be zero: unknown.
        let left = (!descriptor || csize > 0).then_some(csize);
        let directory = raw_name.ends_with(b"/");
        let name = match directory {
            true => String::new(),
            false => match self.budget.member(&self.archive, &String::from_utf8_lossy(raw_name)) {
                Ok(name) => name,
                Err(reason) => return self.damaged(&reason, sink),
            },
        };
        let unreadable = if flags & 1 != 0 {
            Some("encrypted: it cannot be read".to_owned())
        } else {
            match method {
                0 | 8 => None,
                m => Some(format!("zip compression method {m} ({}) is not supported", method_name(m))),
            }
        };
        let method = if method == 8 { Method::Deflate } else { Method::Stored };
        if directory || unreadable.is_some() {
            if let Some(reason) = unreadable.filter(|_| !directory) {
                sink.begin(&name, true);
                sink.end(Some(reason));
                self.last = Some(name);
            }
            match left {
                Some(left) => self.state = State::Skip { left, then: None },
                None => self.damaged("an entry that cannot be read has no size in its header", sink),
            }
            return;
        }
        if left.is_none() && method != Method::Deflate {
            sink.begin(&name, true);
            sink.end(Some("stored without its size in the header: it cannot be read as a stream".to_owned()));
            self.last = Some(name);
            return self.damaged("an entry with no size in its header", sink);
        }
        if method == Method::Deflate {
            self.inflater.get_or_insert_with(Inflater::new).reset();
        }
        self.last = Some(name.clone());
        let entry = Entry {
            member: Some((self.open_member)(name)),
            method,
            left,
            crc,
            hasher: crc32fast::Hasher::new(),
            descriptor,
            zip64,
            data_start: self.offset,
        };
        if left == Some(0) {
            // An empty member: nothing to wait for.
            return self.entry_read(entry, sink);
        }
        self.state = State::Data(entry);
    }

    /// The entry's bytes are all read: its descriptor, if it has one, then its end.
    fn entry_read(&mut self, entry: Entry, sink: &mut dyn Sink) {
        if entry.descriptor {
            self.state = State::Descriptor(entry);
        } else {
            self.end_entry(entry, sink);
        }
    }

    fn end_entry(&mut self, mut entry: Entry, sink: &mut dyn Sink) {
        let ok = entry.hasher.clone().finalize() == entry.crc;
        if let Some(mut m) = entry.member.take() {
            m.finish((!ok).then(|| "corrupt: its CRC does not match".to_owned()), sink);
        }
        self.state = State::Signature;
    }
}

fn method_name(m: u16) -> &'static str {
    match m {
        1 => "shrink",
        6 => "implode",
        9 => "deflate64",
        12 => "bzip2",
        14 => "lzma",
        95 => "xz",
        98 => "ppmd",
        99 => "AES encryption",
        _ => "unknown",
    }
}

impl Layer for Zip {
    fn feed(&mut self, mut bytes: &[u8], sink: &mut dyn Sink) {
        while !bytes.is_empty() {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return,
                State::Signature => {
                    self.state = State::Signature;
                    if !self.gather(4, &mut bytes) {
                        continue;
                    }
                    let sig = u32_at(&self.pending, 0);
                    if sig == LOCAL {
                        self.state = State::Local;
                    } else if AFTER_ENTRIES.contains(&sig) {
                        self.pending.clear();
                        self.state = State::Done;
                    } else if sig == DESCRIPTOR || sig == 0x3030_4b50 {
                        // The marker of a split archive's first part.
                        self.pending.clear();
                    } else {
                        self.pending.clear();
                        self.damaged("not a zip entry header", sink);
                    }
                }
                State::Local => {
                    self.state = State::Local;
                    if !self.gather(30, &mut bytes) {
                        continue;
                    }
                    let n = 30 + usize::from(u16_at(&self.pending, 26)) + usize::from(u16_at(&self.pending, 28));
                    if self.gather(n, &mut bytes) {
                        self.local(sink);
                    }
                }
                State::Skip { left, then } => {
                    let take = left.min(bytes.len() as u64);
                    bytes = &bytes[take as usize..];
                    self.offset += take;
                    match (left - take, then) {
                        (0, Some(entry)) => self.entry_read(entry, sink),
                        (0, None) => self.state = State::Signature,
                        (left, then) => self.state = State::Skip { left, then },
                    }
                }
                State::Data(mut entry) => {
                    let limit = entry.left.map_or(bytes.len(), |l| l.min(bytes.len() as u64) as usize);
                    let input = &bytes[..limit];
                    let (used, ended) = match entry.method {
                        Method::Stored => {
                            entry.hasher.update(input);
                            if let Some(m) = &mut entry.member {
                                m.feed(input, sink);
                            }
                            (input.len(), false)
                        }
                        Method::Deflate => {
                            let Entry { member, hasher, .. } = &mut entry;
                            let inflater = self.inflater.as_mut().expect("made for the entry");
                            let result = inflater.push(input, &mut |out| {
                                hasher.update(out);
                                if let Some(m) = member.as_mut() {
                                    m.feed(out, sink);
                                }
                            });
                            match result {
                                Ok(r) => r,
                                Err(e) => {
                                    if let Some(mut m) = entry.member.take() {
                                        m.finish(Some(e), sink);
                                    }
                                    // Where the next entry starts is known only from a stated size.
                                    match entry.left {
                                        Some(left) => self.state = State::Skip { left, then: None },
                                        None => self.damaged_at(
                                            "corrupt deflate data with no size in its header, in the entry whose data starts",
                                            entry.data_start,
                                            sink,
                                        ),
                                    }
                                    continue;
                                }
                            }
                        }
                    };
                    bytes = &bytes[used..];
                    self.offset += used as u64;
                    if let Some(left) = &mut entry.left {
                        *left -= used as u64;
                    }
                    if ended {
                        match entry.left {
                            Some(left) if left > 0 => self.state = State::Skip { left, then: Some(entry) },
                            _ => self.entry_read(entry, sink),
                        }
                    } else if entry.left == Some(0) {
                        if entry.method == Method::Deflate {
                            // The stated size is used up, but the deflate stream goes on.
                            if let Some(mut m) = entry.member.take() {
                                m.finish(
                                    Some("corrupt: its deflate data is longer than its stated size".to_owned()),
                                    sink,
                                );
                            }
                            self.state = State::Signature;
                        } else {
                            self.entry_read(entry, sink);
                        }
                    } else {
                        self.state = State::Data(entry);
                    }
                }
                State::Descriptor(mut entry) => {
                    self.state = State::Done;
                    if !self.gather(4, &mut bytes) {
                        self.state = State::Descriptor(entry);
                        continue;
                    }
                    let signed = u32_at(&self.pending, 0) == DESCRIPTOR;
                    let sizes = if entry.zip64 { 16 } else { 8 };
                    let n = if signed { 4 } else { 0 } + 4 + sizes;
                    if !self.gather(n, &mut bytes) {
                        self.state = State::Descriptor(entry);
                        continue;
                    }
                    entry.crc = u32_at(&self.pending, if signed { 4 } else { 0 });
                    self.pending.clear();
                    self.end_entry(entry, sink);
                }
            }
        }
    }

    fn finish(&mut self, damage: Option<String>, sink: &mut dyn Sink) {
        let reason = |what: &str| damage.clone().unwrap_or_else(|| format!("truncated: the zip archive ends {what}"));
        match std::mem::replace(&mut self.state, State::Done) {
            State::Done => {}
            State::Data(mut entry) | State::Skip { then: Some(mut entry), .. } | State::Descriptor(mut entry) => {
                if let Some(mut m) = entry.member.take() {
                    m.finish(Some(reason("inside this member")), sink);
                }
            }
            State::Signature if self.pending.is_empty() => {
                // Entries read whole, and no end records: a cut archive, but nothing lost here.
                if let Some(reason) = damage {
                    self.damaged(&reason, sink);
                } else if self.last.is_some() {
                    self.damaged("truncated: the zip archive ends before its central directory", sink);
                }
            }
            State::Signature | State::Local | State::Skip { then: None, .. } => {
                self.damaged(&reason("inside an entry's header"), sink);
            }
        }
    }
}
