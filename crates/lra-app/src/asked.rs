//! The views' hooks for asking the engine: a signal holding the latest answer to a query that
//! is asked again whenever the signals it reads change. The answer is typed by the query
//! (`lra_protocol::Query`): a view never reads the worker's replies itself.

use leptos::prelude::*;
use lra_protocol::query::{NoAnswer, Query};

use crate::engine_handle::EngineHandle;
use crate::state::AppState;

/// What a view keeps of an answer.
type Keep<Q, T> = fn(Result<<Q as Query>::Answer, NoAnswer>) -> Option<T>;

/// The latest answer to the query `make` builds, asked again whenever the signals it reads
/// change; `None` until answered, when the engine could not answer, or when `make` asks
/// nothing. See [`asked_then`].
pub fn asked<Q>(make: impl Fn() -> Option<Q> + 'static) -> ReadSignal<Option<Q::Answer>>
where
    Q: Query + Clone + 'static,
    Q::Answer: Send + Sync + 'static,
{
    asked_then(make, Result::ok)
}

/// The latest answer to the query `make` builds, as `keep` keeps it, asked again whenever the
/// signals it reads change (the summary's revision among them); `None` until answered, or when
/// `make` asks nothing. The previous answer stays shown while the next is on its way, and while
/// one is on its way only the latest of the queries made meanwhile is sent after it: typing a
/// filter over a million tests does not queue a sort per key in the worker.
pub fn asked_then<Q, T>(make: impl Fn() -> Option<Q> + 'static, keep: Keep<Q, T>) -> ReadSignal<Option<T>>
where
    Q: Query + Clone + 'static,
    T: Send + Sync + 'static,
{
    let engine = expect_context::<EngineHandle>();
    let (answer, set_answer) = signal(None);
    let waiting = StoredValue::new_local(Waiting::<Q>::default());
    Effect::new(move |_| {
        let query = make();
        let send_now = waiting.try_update_value(|w| {
            w.latest += 1;
            w.next = None;
            match (&query, w.busy) {
                (Some(query), true) => {
                    w.next = Some((w.latest, query.clone()));
                    None
                }
                (Some(_), false) => Some(w.latest),
                (None, _) => None,
            }
        });
        match (query, send_now.flatten()) {
            (Some(query), Some(number)) => send(engine, number, query, waiting, set_answer, keep),
            (None, _) => set_answer.set(None),
            _ => {}
        }
    });
    answer
}

/// [`asked`] for a query about the summary: asked again whenever the summary changes, and only
/// while there is one (`make` is called every time, so that the signals it reads are tracked).
pub fn asked_of_summary<Q>(make: impl Fn() -> Q + 'static) -> ReadSignal<Option<Q::Answer>>
where
    Q: Query + Clone + 'static,
    Q::Answer: Send + Sync + 'static,
{
    asked_of_summary_then(make, Result::ok)
}

/// [`asked_then`] for a query about the summary, as [`asked_of_summary`] asks it.
pub fn asked_of_summary_then<Q, T>(make: impl Fn() -> Q + 'static, keep: Keep<Q, T>) -> ReadSignal<Option<T>>
where
    Q: Query + Clone + 'static,
    T: Send + Sync + 'static,
{
    let state = expect_context::<AppState>();
    asked_then(
        move || {
            state.revision.track();
            let query = make();
            state.overview.with(Option::is_some).then_some(query)
        },
        keep,
    )
}

/// The queries of one [`asked_then`].
struct Waiting<Q> {
    /// A query is on its way.
    busy: bool,
    /// The number of the latest query made, whose answer alone is shown.
    latest: u64,
    /// The latest query made while one was on its way, to send when it is answered.
    next: Option<(u64, Q)>,
}

impl<Q> Default for Waiting<Q> {
    fn default() -> Waiting<Q> {
        Waiting { busy: false, latest: 0, next: None }
    }
}

fn send<Q, T>(
    engine: EngineHandle,
    number: u64,
    query: Q,
    waiting: StoredValue<Waiting<Q>, LocalStorage>,
    set_answer: WriteSignal<Option<T>>,
    keep: Keep<Q, T>,
) where
    Q: Query + Clone + 'static,
    T: Send + Sync + 'static,
{
    waiting.update_value(|w| w.busy = true);
    engine.ask(query, move |answer| {
        let (next, latest) = waiting
            .try_update_value(|w| {
                w.busy = false;
                (w.next.take(), w.latest)
            })
            .unwrap_or((None, 0));
        match next {
            Some((n, next)) => send(engine, n, next, waiting, set_answer, keep),
            None if number == latest => set_answer.set(keep(answer)),
            None => {}
        }
    });
}
