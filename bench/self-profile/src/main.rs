//! Summarizes a `rustc -Zself-profile` file of one crate: self time per query, and the
//! time of the per-item queries (`typeck`, `check_well_formed`, `mir_borrowck`) grouped by
//! the kind of item, so that "what does each endpoint cost the type checker" has an answer
//! (`bench/type_check_profile.sh` runs it; BENCHMARKS.md shows what it found).
//!
//! Written here because measureme's own `summarize` is not published on crates.io, and it
//! has no grouping by item kind; reading the file is `analyzeme`'s job.
//!
//!     feishu-self-profile FILE.mm_profdata [TOP]

use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

/// Queries whose argument is one item of the crate.
const PER_ITEM: [&str; 3] = ["typeck", "check_well_formed", "mir_borrowck"];

struct Interval {
    thread: u32,
    start: SystemTime,
    end: SystemTime,
    label: String,
    item: Option<String>,
    /// False for the hashing of a query's result: its time is the query's, but it is
    /// not another call.
    is_call: bool,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(file) = args.next() else {
        eprintln!("usage: feishu-self-profile FILE.mm_profdata [TOP]");
        std::process::exit(2);
    };
    let top: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(25);
    let data = match analyzeme::ProfilingData::new(Path::new(&file)) {
        Ok(data) => data,
        Err(error) => {
            eprintln!("feishu-self-profile: cannot read {file}: {error}");
            std::process::exit(1);
        }
    };
    let mut intervals: Vec<Interval> = data
        .iter_full()
        .filter_map(|event| {
            // Intervals only: instants (cache hits) take no time and would double the counts.
            let analyzeme::Timestamp::Interval { start, end } = event.payload.timestamp()? else {
                return None;
            };
            let label = event.label.to_string();
            let item = PER_ITEM
                .contains(&label.as_str())
                .then(|| event.additional_data.first().map(|arg| item_kind(arg)))
                .flatten();
            Some(Interval {
                thread: event.thread_id,
                start,
                end,
                label,
                item,
                is_call: &*event.event_kind != "IncrementalResultHashing",
            })
        })
        .collect();
    // Parents before their children: by thread, then start, the longer first.
    intervals.sort_by(|a, b| {
        (a.thread, a.start, std::cmp::Reverse(a.end)).cmp(&(
            b.thread,
            b.start,
            std::cmp::Reverse(b.end),
        ))
    });
    let self_times = self_times(&intervals);

    let mut by_label: HashMap<&str, (f64, u64)> = HashMap::new();
    let mut by_item: HashMap<(&str, &str), (f64, u64)> = HashMap::new();
    for (interval, seconds) in intervals.iter().zip(&self_times) {
        let call = interval.is_call;
        add(by_label.entry(&interval.label).or_default(), *seconds, call);
        if let Some(item) = &interval.item {
            let entry = by_item.entry((&interval.label, item)).or_default();
            add(entry, *seconds, call);
        }
    }
    let total: f64 = self_times.iter().sum();
    println!("self time of every query and activity: {total:.2} s\n");
    println!("| query | self time (s) | share | calls |\n|---|---:|---:|---:|");
    for (label, (seconds, calls)) in sorted(by_label).into_iter().take(top) {
        println!(
            "| `{label}` | {seconds:.3} | {:.1}% | {calls} |",
            seconds / total * 100.0
        );
    }
    for query in PER_ITEM {
        let rows: Vec<_> = by_item
            .iter()
            .filter(|((q, _), _)| *q == query)
            .map(|((_, k), v)| (*k, *v))
            .collect();
        let sum: f64 = rows.iter().map(|(_, (s, _))| s).sum();
        println!("\n`{query}` by kind of item ({sum:.2} s in all):\n");
        println!("| item | self time (s) | items |\n|---|---:|---:|");
        for (kind, (seconds, calls)) in sorted(rows.into_iter().collect()).into_iter().take(12) {
            println!("| `{kind}` | {seconds:.3} | {calls} |");
        }
    }
}

fn add(entry: &mut (f64, u64), seconds: f64, is_call: bool) {
    entry.0 += seconds;
    entry.1 += u64::from(is_call);
}

fn sorted<K>(map: HashMap<K, (f64, u64)>) -> Vec<(K, (f64, u64))> {
    let mut rows: Vec<_> = map.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    rows
}

/// Each interval's time minus its children's, from intervals sorted parents first.
fn self_times(intervals: &[Interval]) -> Vec<f64> {
    let seconds =
        |a: SystemTime, b: SystemTime| b.duration_since(a).map_or(0.0, |d| d.as_secs_f64());
    let mut own: Vec<f64> = intervals.iter().map(|i| seconds(i.start, i.end)).collect();
    let mut open: Vec<usize> = Vec::new();
    for (index, interval) in intervals.iter().enumerate() {
        while let Some(&parent) = open.last() {
            let p = &intervals[parent];
            if p.thread == interval.thread && interval.start >= p.start && interval.end <= p.end {
                break;
            }
            open.pop();
        }
        if let Some(&parent) = open.last() {
            own[parent] -= seconds(interval.start, interval.end);
        }
        open.push(index);
    }
    own
}

/// `feishu_synthetic::svc0017::v1::res3::_[5]::{{impl}}::deserialize::{{impl}}[2]::visit_map`
/// → `_::{{impl}}::deserialize::{{impl}}::visit_map`: the path from the first impl or
/// anonymous const on, without disambiguators, so all endpoints' `send` are one row.
fn item_kind(path: &str) -> String {
    let segments: Vec<&str> = path
        .split("::")
        .map(|s| s.split('[').next().unwrap_or(s))
        .collect();
    let from = segments
        .iter()
        .position(|s| s.starts_with("{{") || *s == "_");
    match from {
        Some(from) => segments[from..].join("::"),
        None => "(item outside any impl)".to_owned(),
    }
}
