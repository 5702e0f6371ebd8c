//! Raw deflate (RFC 1951) as a push decoder, for gzip members and zip entries.

use flate2::{Decompress, FlushDecompress, Status};

/// Output is handed on in pieces of this size.
const OUT: usize = 256 << 10;

pub(crate) struct Inflater {
    z: Decompress,
    out: Box<[u8]>,
}

impl Inflater {
    pub(crate) fn new() -> Inflater {
        Inflater { z: Decompress::new(false), out: vec![0; OUT].into_boxed_slice() }
    }

    /// Ready for another deflate stream.
    pub(crate) fn reset(&mut self) {
        self.z.reset(false);
    }

    /// Inflates `input` until it is used up or the deflate stream ends, handing the output to
    /// `emit`. Returns the bytes of `input` used and whether the stream ended.
    pub(crate) fn push(&mut self, mut input: &[u8], emit: &mut dyn FnMut(&[u8])) -> Result<(usize, bool), String> {
        let start = input.len();
        loop {
            let (in_before, out_before) = (self.z.total_in(), self.z.total_out());
            let status = self.z.decompress(input, &mut self.out, FlushDecompress::None);
            let used = (self.z.total_in() - in_before) as usize;
            let made = (self.z.total_out() - out_before) as usize;
            input = &input[used..];
            // What a call made before it met damage counts too: else the lines before the
            // damage would depend on how the input was cut into slices.
            if made > 0 {
                emit(&self.out[..made]);
            }
            // zlib-rs names the damage when a call meets it byte by byte, but its fast path
            // returns as if nothing were wrong and the next call says only "repeated call with
            // bad state": name the place instead, which is the same however the input was cut.
            let status = status.map_err(|_| format!("corrupt deflate data at byte {}", self.z.total_in()))?;
            if status == Status::StreamEnd {
                return Ok((start - input.len(), true));
            }
            if input.is_empty() && made < self.out.len() {
                return Ok((start, false));
            }
            if used == 0 && made == 0 {
                return Err("corrupt deflate data (the decoder made no progress)".to_owned());
            }
        }
    }
}
