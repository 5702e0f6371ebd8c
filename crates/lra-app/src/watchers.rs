//! Who waits on the summary from outside the page's views: the embedding API's `summary()`
//! promises, resolved once the page is idle, and the calls made after each change of the
//! summary (an iframe's parent that asked to watch). The summary is decoded on this thread only
//! for them.

use js_sys::Function;
use leptos::prelude::*;
use lra_protocol::Export;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::transport::Transport;

struct Book {
    /// `summary()` promises waiting for the page to be idle.
    waiters: Vec<Function>,
    /// Called after each change of the summary (the iframe embedding, once its parent asked).
    watchers: Vec<Box<dyn Fn()>>,
}

/// The handle to the waiters and watchers, `Copy`.
#[derive(Clone, Copy)]
pub struct Watchers {
    book: StoredValue<Book, LocalStorage>,
    transport: Transport,
}

impl Watchers {
    pub fn new(transport: Transport) -> Watchers {
        Watchers { book: StoredValue::new_local(Book { waiters: Vec::new(), watchers: Vec::new() }), transport }
    }

    fn with<R>(self, f: impl FnOnce(&mut Book) -> R) -> Option<R> {
        self.book.try_update_value(f)
    }

    /// Calls `resolve` at the next [`Watchers::settle`] that finds the page idle.
    pub fn wait(self, resolve: Function) {
        self.with(|b| b.waiters.push(resolve));
    }

    /// Calls `f` after every change of the summary from now on.
    pub fn watch(self, f: impl Fn() + 'static) {
        self.with(|b| b.watchers.push(Box::new(f)));
    }

    /// Resolves the waiting `summary()` promises when the page is `idle`: with the summary's
    /// object, or `null` when there is no summary.
    pub fn settle(self, idle: bool, has_summary: bool) {
        let waiters = self.with(|b| if idle { std::mem::take(&mut b.waiters) } else { Vec::new() }).unwrap_or_default();
        if waiters.is_empty() {
            return;
        }
        let resolve_all = move |value: JsValue| {
            for resolve in &waiters {
                let _ = resolve.call1(&JsValue::NULL, &value);
            }
        };
        if has_summary { summary_object(self.transport, resolve_all) } else { resolve_all(JsValue::NULL) }
    }

    /// The summary changed: calls every watcher.
    pub fn changed(self) {
        let watchers = self.with(|b| std::mem::take(&mut b.watchers)).unwrap_or_default();
        for w in &watchers {
            w();
        }
        // Watchers added meanwhile come after these.
        self.with(|b| {
            let added = std::mem::replace(&mut b.watchers, watchers);
            b.watchers.extend(added);
        });
    }
}

/// The summary as its JSON object, decoded on this thread (the embedding API only), or `null`
/// when the worker has none to give.
pub fn summary_object(transport: Transport, done: impl FnOnce(JsValue) + 'static) {
    transport.ask(Export::Json { pretty: false }, None, move |file, blob| {
        let (Ok(_), Some(blob)) = (file, blob) else { return done(JsValue::NULL) };
        wasm_bindgen_futures::spawn_local(async move {
            let text = JsFuture::from(blob.text()).await.ok().and_then(|t| t.as_string());
            done(text.and_then(|t| js_sys::JSON::parse(&t).ok()).unwrap_or(JsValue::NULL));
        });
    });
}
