//! Ring-buffer recording (`Keep::Last`): once the cap is reached, the oldest events are
//! overwritten, the most recent ones kept, per thread in order, with the global order
//! rebuilt; the trace counts what was overwritten and says so.
#![cfg(feature = "track")]

use borrowscope_runtime::*;

#[test]
fn the_most_recent_events_are_kept_and_the_rest_counted_as_overwritten() {
    let session = Session::with_max_events(1000);
    let total = 20_000;
    session.record(|| {
        assert_eq!(set_keep(Keep::Last), Keep::First, "sessions keep the first events by default");
        for i in 0..total - 1 {
            let _ = track_new("ring", i);
        }
        let _ = track_new("last", 0);
    });
    let trace = session.trace();
    let kept = trace.events.len() as u64;
    assert_eq!(trace.dropped, 0);
    assert!((1000 - 512..=1000).contains(&kept), "kept {kept}");
    assert_eq!(kept + trace.overwritten, total as u64);
    let kept_ids: Vec<u64> = trace.events.iter().map(|e| e.id).collect();
    assert!(kept_ids.windows(2).all(|w| w[1] == w[0] + 1), "a contiguous run of the most recent events");
    assert_eq!(trace.events.last().map(|e| e.site.name), Some("last"), "the last event recorded is kept");
    let note = trace.note().expect("a trace with overwritten events says so");
    assert!(note.contains(&format!("{} earlier events were overwritten", trace.overwritten)) && note.contains("BORROWSCOPE_MAX_EVENTS"), "{note}");
}

#[test]
fn every_thread_keeps_its_most_recent_events_in_order() {
    let session = Session::with_max_events(3000);
    session.record(|| set_keep(Keep::Last));
    let per_thread = 10_000;
    std::thread::scope(|scope| {
        for name in ["ring_a", "ring_b", "ring_c", "ring_d"] {
            let session = session.clone();
            scope.spawn(move || {
                let _guard = session.enter();
                for i in 0..per_thread {
                    let _ = track_new(name, i);
                }
            });
        }
    });
    let trace = session.trace();
    assert_eq!(trace.dropped, 0);
    assert_eq!(trace.events.len() as u64 + trace.overwritten, 4 * per_thread as u64);
    assert!(trace.events.len() >= 3000 - 4 * 512, "kept {}", trace.events.len());
    for name in ["ring_a", "ring_b", "ring_c", "ring_d"] {
        // On its thread: ids come from the thread's block, one after the other, so the kept
        // ones are a run ending with the thread's last event.
        let ids: Vec<u64> = trace.events.iter().filter(|e| e.site.name == name).map(|e| e.id).collect();
        assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "{name}: a contiguous run");
    }
    // The global order is still a total order consistent with each thread's.
    assert!(trace.events.windows(2).all(|w| w[0].order < w[1].order));
}

#[test]
fn keeping_the_first_events_drops_the_rest_and_says_how_to_keep_more() {
    let session = Session::with_max_events(100);
    session.record(|| {
        for i in 0..1000 {
            let _ = track_new("first", i);
        }
    });
    let trace = session.trace();
    assert_eq!((trace.events.len(), trace.dropped, trace.overwritten), (100, 900, 0));
    let note = trace.note().unwrap();
    assert!(note.contains("(900 events were dropped;") && note.contains("BORROWSCOPE_KEEP=last"), "{note}");
    // The note and the counts survive the JSON form.
    let json = to_json(&trace);
    assert!(json.contains("\"note\":"), "{json:.200}");
    let back = from_json(&json).unwrap();
    assert_eq!((back.dropped, back.overwritten), (900, 0));
}

#[test]
fn overwritten_counts_survive_the_json_form() {
    let session = Session::with_max_events(200);
    session.record(|| {
        set_keep(Keep::Last);
        for i in 0..2000 {
            let _ = track_new("json_ring", i);
        }
    });
    let trace = session.trace();
    assert!(trace.overwritten > 0);
    let back = from_json(&to_json(&trace)).unwrap();
    assert_eq!(back, trace);
}
