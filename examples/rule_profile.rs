//! Profiling aid: runs one rule many times over a generated page.
//! `cargo run --release --example rule_profile -- RULE_ID PATTERN N`
use audit_worker::scanner::page::Page;
use audit_worker::scanner::rules;
use std::time::Instant;

#[path = "../benches/typical.rs"]
mod typical;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let id = args.get(1).cloned().unwrap_or_default();
    let pat = args.get(2).cloned().unwrap_or_else(|| "<a href=\"/p/{n}\">link {n}</a> ".into());
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(150_000);
    // PATTERN `typical` is the benchmarks' typical page of N bytes.
    let html = if pat == "typical" {
        typical::generate(n)
    } else {
        let mut html = String::from("<!doctype html><html lang=en><head><title>t</title></head><body>");
        for i in 0..n {
            html.push_str(&pat.replace("{n}", &i.to_string()));
        }
        html.push_str("</body></html>");
        html
    };
    let hs = [("content-type", "text/html")];
    let page = Page::html_at("https://example.com/h", &hs, &html);
    if id == "none" {
        return;
    }
    if id == "all" {
        // Every rule, as a scan runs them (shared caches built on the way).
        let t = Instant::now();
        std::hint::black_box(rules::run_all(&page));
        println!("all rules {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        return;
    }
    let a = rules::analysis(&page);
    let all = rules::all();
    let rule = all.iter().find(|r| r.id == id).expect("rule id");
    let t = Instant::now();
    std::hint::black_box((rule.check)(&a));
    println!("{} {:.1} ms cold (first rule run on the page)", id, t.elapsed().as_secs_f64() * 1e3);
    // REPS=0: only the cold run (under callgrind, what the first rule pays).
    let reps: usize = std::env::var("REPS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    if reps == 0 {
        return;
    }
    for r in all.iter() {
        std::hint::black_box((r.check)(&a));
    }
    let t = Instant::now();
    for _ in 0..reps {
        std::hint::black_box((rule.check)(&a));
    }
    println!("{} {:.1} ms per run", id, t.elapsed().as_secs_f64() * 1e3 / reps.max(1) as f64);
}
