//! Parse + analysis throughput on generated pages of realistic shape.
//! Run: `cargo bench --bench analysis`. Plain `fn main` (harness = false) so it
//! needs no benchmarking crate.
use audit_worker::scanner::page::Page;
use audit_worker::scanner::rules;
use std::time::{Duration, Instant};

#[path = "typical.rs"]
mod typical;
use typical::generate;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Process peak resident memory (Linux VmHWM), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let url = "https://example.com/bench";
    let headers = [("content-type", "text/html; charset=utf-8")];
    println!("rules in the crate: {}", rules::all().len());
    println!("{:>8} {:>9} {:>6} | {:>10} {:>9} | {:>10} {:>9} | {:>10} {:>9} | {:>11}", "size", "bytes", "reps", "parse ms", "MB/s", "rules ms", "MB/s", "total ms", "MB/s", "VmHWM KiB");
    let mut last_page = None;
    for &(label, size) in &[("10KB", 10_000usize), ("100KB", 100_000), ("500KB", 500_000), ("1MB", 1_000_000), ("2MB", 2_000_000)] {
        let html = generate(size);
        let bytes = html.len();
        let mut parse = Vec::new();
        let mut analyse = Vec::new();
        let mut total = Vec::new();
        let started = Instant::now();
        let mut reps = 0;
        // At least 7 repetitions, and enough to fill ~2 s per size (capped at 200).
        while reps < 7 || (started.elapsed() < Duration::from_secs(2) && reps < 200) {
            let t0 = Instant::now();
            let page = Page::html_at(url, &headers, &html);
            let t1 = Instant::now();
            let results = rules::run_all(&page);
            let t2 = Instant::now();
            std::hint::black_box(&results);
            parse.push((t1 - t0).as_secs_f64() * 1e3);
            analyse.push((t2 - t1).as_secs_f64() * 1e3);
            total.push((t2 - t0).as_secs_f64() * 1e3);
            reps += 1;
            if reps == 1 && size == 2_000_000 {
                last_page = Some(page);
            }
        }
        let (p, a, t) = (median(&mut parse), median(&mut analyse), median(&mut total));
        let mbs = |ms: f64| bytes as f64 / 1e6 / (ms / 1e3);
        println!(
            "{label:>8} {bytes:>9} {reps:>6} | {p:>10.2} {:>9.1} | {a:>10.2} {:>9.1} | {t:>10.2} {:>9.1} | {:>11}",
            mbs(p),
            mbs(a),
            mbs(t),
            peak_rss_kib().map(|k| k.to_string()).unwrap_or_else(|| "n/a".into())
        );
    }
    // Where the analysis time goes on the largest page (median of 5 runs per rule).
    if let Some(page) = last_page {
        let a = rules::analysis(&page);
        let mut per_rule: Vec<(f64, &str)> = rules::all()
            .iter()
            .map(|rule| {
                let mut v: Vec<f64> = (0..5)
                    .map(|_| {
                        let t = Instant::now();
                        std::hint::black_box((rule.check)(&a));
                        t.elapsed().as_secs_f64() * 1e3
                    })
                    .collect();
                (median(&mut v), rule.id)
            })
            .collect();
        per_rule.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        println!("\nslowest rules on the 2 MB page (median ms):");
        for (ms, id) in per_rule.iter().take(10) {
            println!("  {ms:>8.3}  {id}");
        }
    }
    println!("\nVmHWM is the whole process's peak resident set (all sizes so far, inputs included), not per page.");
    println!("Target (issue 3): rule analysis of a 2 MB page under 50 ms natively; HTML parsing is reported separately.");
}
