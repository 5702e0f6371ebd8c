//! The wasm face of `lra-core`, loaded by `web/engine/worker.js` inside a module Web Worker.
//!
//! The worker reads each File in slices and feeds them here. In the threaded build
//! (feature `threads`), each slice is parsed on a rayon pool of Web Workers sharing this module's
//! memory; the single-threaded build serves pages that are not cross-origin isolated. Both give
//! the same Summary.

use std::sync::Mutex;

use lra_core::{GenOptions, Generator, LogFormat, Markers, NameMode, Options};
use lra_input::{Members, Unpacker};
use wasm_bindgen::prelude::*;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// The last panic's message: with `panic = "abort"` the call that panicked throws a bare
/// `RuntimeError: unreachable`, so the worker asks for the reason here.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Installs the panic hook that keeps the message for [`last_panic`].
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = info.to_string();
        }
    }));
}

/// The message of the last panic, or an empty string.
#[wasm_bindgen]
pub fn last_panic() -> String {
    LAST_PANIC.lock().map(|s| s.clone()).unwrap_or_default()
}

/// `"threaded"` or `"single"`: which build this is.
#[wasm_bindgen]
pub fn build_kind() -> String {
    if cfg!(feature = "threads") { "threaded" } else { "single" }.to_owned()
}

/// How many threads parse a slice.
#[wasm_bindgen]
pub fn threads() -> usize {
    #[cfg(feature = "threads")]
    return rayon::current_num_threads();
    #[cfg(not(feature = "threads"))]
    1
}

/// Accumulates one analysis job: files one after another, each fed in slices. A file may be
/// compressed or an archive: it is unpacked as it is fed, each member a file of the summary.
#[wasm_bindgen]
pub struct Engine {
    members: Members,
    file: Option<Unpacker>,
}

#[wasm_bindgen]
impl Engine {
    /// A job whose test names are taken per `name_mode` (`"line"` or `"first-word"`), read with
    /// these markers, in `log_format` (`"auto"`: told by each file's first lines, or a format's
    /// name such as `"gtest"`), each file one iteration if `iteration_per_file`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        name_mode: &str,
        test_marker: &str,
        result_marker: &str,
        iteration_marker: &str,
        ignore_case: bool,
        log_format: &str,
        iteration_per_file: bool,
    ) -> Result<Engine, JsError> {
        let name_mode = match name_mode {
            "line" => NameMode::Line,
            "first-word" => NameMode::FirstWord,
            other => return Err(JsError::new(&format!("unknown name mode {other:?}"))),
        };
        let markers =
            Markers::new(test_marker, result_marker, iteration_marker, ignore_case).map_err(|e| JsError::new(&e))?;
        let format = match log_format {
            "auto" => None,
            name => {
                Some(LogFormat::from_name(name).ok_or_else(|| JsError::new(&format!("unknown log format {name:?}")))?)
            }
        };
        let parallel = cfg!(feature = "threads");
        let options = Options { name_mode, markers, format, iteration_per_file, parallel, ..Options::default() };
        Ok(Engine { members: Members::new(options), file: None })
    }

    /// Starts the next file.
    pub fn begin_file(&mut self, name: &str) {
        self.end_file();
        self.file = Some(Unpacker::new(name));
    }

    /// Reads the file's next bytes.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        match &mut self.file {
            Some(u) => {
                u.feed(bytes, &mut self.members);
                Ok(())
            }
            None => Err(JsError::new("feed() before begin_file()")),
        }
    }

    /// Ends the current file and adds it (or its members) to the summary.
    pub fn end_file(&mut self) {
        if let Some(u) = self.file.take() {
            u.finish(&mut self.members);
        }
    }

    /// Ends the current file early: it could not be read to its end, for `reason`. What was
    /// read of it still counts, flagged.
    pub fn cut_file_short(&mut self, reason: &str) {
        if let Some(u) = self.file.take() {
            u.cut_short(reason, &mut self.members);
        }
    }

    /// The problems met since the last call, one message each: damaged members and archives.
    pub fn take_problems(&mut self) -> Vec<String> {
        self.members.take_problems()
    }

    /// The summary of every ended file, as `lra-summary/1` JSON.
    pub fn summary_json(&self) -> String {
        self.members.summary().to_json()
    }
}

/// A log in the seed's format from the core's generator, for the "Try a sample log" button.
#[wasm_bindgen]
pub fn sample_log(iterations: u32, tests: u32, seed: u32) -> Vec<u8> {
    let options = GenOptions {
        iterations: iterations.into(),
        tests: tests.into(),
        fail_rate: 0.15,
        flaky: (tests / 8).max(1).into(),
        seed: seed.into(),
        ..GenOptions::default()
    };
    let mut g = Generator::new(options);
    let mut out = Vec::new();
    while g.next_iteration(&mut out) {}
    out
}
