//! The tests table: one row per test, failures first by default, sortable by any column, with a
//! filter box. It renders one page of rows at a time, so 100,000 tests stay smooth.

use std::cmp::Ordering;

use leptos::prelude::*;
use lra_core::{Summary, TestStats};

use crate::state::{AppState, count, percent};

const PAGE: usize = 100;

/// A column of the tests table, which it can be sorted by.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Column {
    Name,
    Runs,
    Passed,
    Failed,
    Skipped,
    Other,
    Missing,
    PassRate,
    FirstFailure,
}

const COLUMNS: [(Column, &str); 9] = [
    (Column::Name, "Test"),
    (Column::Runs, "Runs"),
    (Column::Passed, "Passed"),
    (Column::Failed, "Failed"),
    (Column::Skipped, "Skipped"),
    (Column::Other, "Other"),
    (Column::Missing, "Missing"),
    (Column::PassRate, "Pass rate"),
    (Column::FirstFailure, "First failure"),
];

impl Column {
    /// Its name in the URL.
    pub fn key(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Runs => "runs",
            Column::Passed => "passed",
            Column::Failed => "failed",
            Column::Skipped => "skipped",
            Column::Other => "other",
            Column::Missing => "missing",
            Column::PassRate => "pass-rate",
            Column::FirstFailure => "first-failure",
        }
    }

    pub fn from_key(key: &str) -> Option<Column> {
        COLUMNS.iter().map(|(c, _)| *c).find(|c| c.key() == key)
    }
}

fn compare(s: &Summary, column: Column, a: &TestStats, b: &TestStats) -> Ordering {
    let (ca, cb) = (&a.counts, &b.counts);
    match column {
        Column::Name => a.name.cmp(&b.name),
        Column::Runs => ca.runs().cmp(&cb.runs()),
        Column::Passed => ca.passed.cmp(&cb.passed),
        // Ties on failures go to the test with more missing results.
        Column::Failed => (ca.failed, ca.missing).cmp(&(cb.failed, cb.missing)),
        Column::Skipped => ca.skipped.cmp(&cb.skipped),
        Column::Other => ca.other.cmp(&cb.other),
        Column::Missing => ca.missing.cmp(&cb.missing),
        Column::PassRate => {
            let rate = |r: Option<f64>| r.unwrap_or(-1.0);
            rate(ca.pass_rate()).total_cmp(&rate(cb.pass_rate()))
        }
        Column::FirstFailure => {
            let at = |t: &TestStats| t.first_failure.map(|l| (s.file_name(l), l.line));
            at(a).cmp(&at(b))
        }
    }
}

/// The sortable, filterable, paged table of tests.
#[component]
pub fn TestsTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let (sort, filter, selected) = (state.sort, state.filter, state.selected);
    let page = RwSignal::new(0usize);
    // Indices of the tests shown, in order; recomputed only when its inputs change.
    let order = Memo::new(move |_| {
        let Some(s) = state.summary.get() else {
            return Vec::new();
        };
        let needle = filter.get().to_lowercase();
        let (column, descending) = sort.get();
        let tests = s.tests();
        let mut order: Vec<u32> = (0..tests.len() as u32)
            .filter(|&i| needle.is_empty() || tests[i as usize].name.to_lowercase().contains(&needle))
            .collect();
        // A stable sort keeps first-appearance order among equals.
        order.sort_by(|&a, &b| {
            let o = compare(&s, column, &tests[a as usize], &tests[b as usize]);
            if descending { o.reverse() } else { o }
        });
        order
    });
    let pages = move || order.with(|o| o.len().div_ceil(PAGE).max(1));
    let at_last = move || page.get() + 1 >= pages();
    Effect::new(move |_| {
        // Back to the first page when the rows change.
        order.track();
        page.set(0);
    });
    let header = move |(column, label): (Column, &'static str)| {
        let aria = move || match sort.get() {
            (c, true) if c == column => "descending",
            (c, false) if c == column => "ascending",
            _ => "none",
        };
        view! {
            <th aria-sort=aria>
                <button on:click=move |_| {
                    sort.update(|(c, d)| {
                        if *c == column {
                            *d = !*d;
                        } else {
                            *c = column;
                            *d = column != Column::Name && column != Column::FirstFailure;
                        }
                    })
                }>
                    {label}
                    {move || match sort.get() {
                        (c, true) if c == column => " ▼",
                        (c, false) if c == column => " ▲",
                        _ => "",
                    }}
                </button>
            </th>
        }
    };
    let rows = move || {
        let s = state.summary.get()?;
        let start = page.get() * PAGE;
        Some(order.with(|order| {
            order
                .iter()
                .skip(start)
                .take(PAGE)
                .map(|&i| {
                    let t = &s.tests()[i as usize];
                    let c = t.counts;
                    let at = t.first_failure.map(|l| format!("{}:{}", s.file_name(l), l.line)).unwrap_or_default();
                    let name = t.name.to_string();
                    let is_selected = selected.with(|s| s.as_deref() == Some(&*t.name));
                    let class = match (c.failed > 0, is_selected) {
                        (_, true) => "selected",
                        (true, false) => "failing",
                        (false, false) => "",
                    };
                    let click_name = name.clone();
                    view! {
                        <tr
                            class=class
                            aria-selected=is_selected.to_string()
                            on:click=move |_| {
                                let again = selected.with_untracked(|s| s.as_deref() == Some(click_name.as_str()));
                                selected.set((!again).then(|| click_name.clone()));
                            }
                        >
                            <td class="name">{name}</td>
                            <td>{count(c.runs())}</td>
                            <td>{count(c.passed)}</td>
                            <td>{count(c.failed)}</td>
                            <td>{count(c.skipped)}</td>
                            <td>{count(c.other)}</td>
                            <td>{count(c.missing)}</td>
                            <td>{percent(c.pass_rate())}</td>
                            <td class="at">{at}</td>
                        </tr>
                    }
                })
                .collect_view()
        }))
    };
    view! {
        <section class="tests" aria-label="Tests">
            <div class="table-bar">
                <h2>{move || format!("Tests ({})", order.with(Vec::len))}</h2>
                <input
                    type="search"
                    id="filter"
                    placeholder="Filter by name"
                    aria-label="Filter tests by name"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
                <div class="pager">
                    <button on:click=move |_| page.update(|p| *p = p.saturating_sub(1)) disabled=move || page.get() == 0>
                        "Previous"
                    </button>
                    <span>{move || format!("Page {} of {}", page.get() + 1, pages())}</span>
                    <button
                        on:click=move |_| page.update(|p| *p = (*p + 1).min(pages() - 1))
                        disabled=at_last
                    >
                        "Next"
                    </button>
                </div>
            </div>
            {move || selected.get().and_then(|name| {
                let s = state.summary.get()?;
                let t = s.tests().iter().find(|t| *t.name == *name)?;
                let words = t.results.iter().map(|(w, n)| format!("{w} ×{n}")).collect::<Vec<_>>().join(", ");
                let at = t.first_failure.map(|l| format!("; first failure at {}:{}", s.file_name(l), l.line));
                Some(view! {
                    <p class="selected-test" id="selected-test">
                        <strong>{t.name.to_string()}</strong>
                        {format!(
                            ": {} runs; result words {}; {} pass/fail transitions{}",
                            t.counts.runs(),
                            if words.is_empty() { "none".to_owned() } else { words },
                            t.transitions,
                            at.unwrap_or_default(),
                        )}
                    </p>
                })
            })}
            <table id="tests-table">
                <thead>
                    <tr>{COLUMNS.into_iter().map(header).collect_view()}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
