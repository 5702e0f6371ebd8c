//! Zstandard (RFC 8878): frames one after another, skippable frames among them, decoded block
//! by block as the bytes arrive.

use ruzstd::decoding::FrameDecoder;

use crate::layer::{Layer, Sink};

/// Compressed bytes given to the decoder at a time: a block is at most 128 KiB, so this always
/// holds one when that many are there, and bounds the output of one call.
const STEP: usize = 256 << 10;

/// Decoded bytes are taken out in pieces of this size.
const OUT: usize = 256 << 10;

pub(crate) struct Zstd {
    inner: Box<dyn Layer>,
    decoder: FrameDecoder,
    /// Compressed bytes not yet used: `pending[start..]`.
    pending: Vec<u8>,
    start: usize,
    state: State,
    out: Box<[u8]>,
    frames: u32,
    offset: u64,
    /// Where the frame being decoded starts: how far the decoder got inside it depends on how
    /// the input was cut, so damage is placed by its frame.
    frame_start: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    /// Between frames: a frame header or a skippable frame comes next.
    Between,
    /// Inside a frame.
    Frame,
    /// Inside a skippable frame: this many bytes are left.
    Skipping(u64),
    Stopped,
}

impl Zstd {
    pub(crate) fn new(inner: Box<dyn Layer>) -> Zstd {
        Zstd {
            inner,
            decoder: FrameDecoder::new(),
            pending: Vec::new(),
            start: 0,
            state: State::Between,
            out: vec![0; OUT].into_boxed_slice(),
            frames: 0,
            offset: 0,
            frame_start: 0,
        }
    }

    fn stop(&mut self, reason: String, sink: &mut dyn Sink) {
        self.state = State::Stopped;
        (self.pending, self.start) = (Vec::new(), 0);
        self.inner.finish(Some(reason), sink);
    }

    fn rest(&self) -> &[u8] {
        &self.pending[self.start..]
    }

    fn used(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
    }

    /// Uses as much of `pending` as can be used; `end` when no more bytes will come.
    fn run(&mut self, end: bool, sink: &mut dyn Sink) {
        loop {
            match self.state {
                State::Stopped => return,
                State::Skipping(left) => {
                    let n = (left.min(self.rest().len() as u64)) as usize;
                    self.used(n);
                    self.state = if left == n as u64 { State::Between } else { State::Skipping(left - n as u64) };
                    if self.rest().is_empty() {
                        return;
                    }
                }
                State::Between => {
                    if self.rest().is_empty() {
                        return;
                    }
                    let p = self.rest();
                    if p.len() < 8 && !end {
                        return;
                    }
                    let magic = p.get(..4).map(|m| u32::from_le_bytes([m[0], m[1], m[2], m[3]]));
                    match magic {
                        Some(0x184D_2A50..=0x184D_2A5F) if p.len() >= 8 => {
                            let len = u32::from_le_bytes([p[4], p[5], p[6], p[7]]);
                            self.used(8);
                            self.state = State::Skipping(len.into());
                            continue;
                        }
                        Some(0xFD2F_B528) => {}
                        _ => {
                            let (n, at) = (self.frames, self.offset);
                            let what = if n == 0 {
                                "not a zstd frame".to_owned()
                            } else {
                                format!("bytes after zstd frame {n} are not a frame")
                            };
                            return self.stop(format!("{what} (at byte {at})"), sink);
                        }
                    }
                    let need = p.get(4).map_or(18, |&fhd| header_len(fhd));
                    if p.len() < need {
                        if end {
                            return self.stop("truncated: the zstd stream ends inside a frame header".to_owned(), sink);
                        }
                        return;
                    }
                    let mut header = &self.pending[self.start..self.start + need];
                    if let Err(e) = self.decoder.reset(&mut header) {
                        return self.stop(format!("corrupt zstd frame header at byte {} ({e})", self.offset), sink);
                    }
                    self.frame_start = self.offset;
                    self.used(need);
                    self.frames += 1;
                    self.state = State::Frame;
                }
                State::Frame => {
                    // The decoder claims a checksum's 4 bytes even when fewer are given.
                    let available = self.rest().len();
                    if available < 4 && !end {
                        return;
                    }
                    let step = &self.pending[self.start..self.start + available.min(STEP)];
                    match self.decoder.decode_from_to(step, &mut self.out) {
                        Ok((used, made)) => {
                            let used = used.min(available);
                            self.used(used);
                            if made > 0 {
                                self.inner.feed(&self.out[..made], sink);
                            }
                            if self.decoder.is_finished() && self.decoder.can_collect() == 0 {
                                if let (Some(saved), Some(computed)) =
                                    (self.decoder.get_checksum_from_data(), self.decoder.get_calculated_checksum())
                                    && saved != computed
                                {
                                    let n = self.frames;
                                    return self
                                        .stop(format!("zstd frame {n} is corrupt: its checksum does not match"), sink);
                                }
                                self.state = State::Between;
                                continue;
                            }
                            if used == 0 && made == 0 {
                                if end {
                                    let n = self.frames;
                                    return self
                                        .stop(format!("truncated: the zstd stream ends inside frame {n}"), sink);
                                }
                                return;
                            }
                        }
                        Err(e) => {
                            // Blocks decoded in this call before the damage count too, as they
                            // would have had the input come in smaller slices (the decoder keeps
                            // its window back either way).
                            if let Some(before) = self.decoder.collect().filter(|b| !b.is_empty()) {
                                self.inner.feed(&before, sink);
                            }
                            let (n, at) = (self.frames, self.frame_start);
                            return self.stop(
                                format!("corrupt zstd data in frame {n}, which starts at byte {at} ({e})"),
                                sink,
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The length of a frame header (magic included) whose descriptor byte is `fhd`.
fn header_len(fhd: u8) -> usize {
    let single_segment = fhd & 0x20 != 0;
    let window = if single_segment { 0 } else { 1 };
    let dictionary = [0, 1, 2, 4][usize::from(fhd & 3)];
    let content_size = match fhd >> 6 {
        0 => usize::from(single_segment),
        1 => 2,
        2 => 4,
        _ => 8,
    };
    5 + window + dictionary + content_size
}

impl Layer for Zstd {
    fn feed(&mut self, bytes: &[u8], sink: &mut dyn Sink) {
        if self.state == State::Stopped {
            return;
        }
        // Bounded: `run` leaves fewer than a block's bytes, or a header's.
        self.pending.drain(..self.start);
        self.start = 0;
        self.pending.extend_from_slice(bytes);
        self.run(false, sink);
    }

    fn finish(&mut self, damage: Option<String>, sink: &mut dyn Sink) {
        if self.state == State::Stopped {
            return;
        }
        self.run(true, sink);
        let truncated = match self.state {
            State::Stopped => return,
            State::Between => None,
            State::Skipping(_) => Some("truncated: the zstd stream ends inside a skippable frame".to_owned()),
            State::Frame => Some(format!("truncated: the zstd stream ends inside frame {}", self.frames)),
        };
        self.state = State::Stopped;
        self.inner.finish(damage.or(truncated), sink);
    }
}
