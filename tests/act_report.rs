//! The ACT implementation report's totals (see `examples/act_report.rs`,
//! `docs/act-report.md`), with floors: the number of complete approved ACT
//! rules may only go up, the number of inconsistent and untested ones only down.
#[path = "act_grading/mod.rs"]
mod act_grading;
use act_grading::Consistency;

/// Raised as rules become complete; never lowered.
const COMPLETE_FLOOR: usize = 31;
/// Lowered as false positives are fixed; never raised.
const INCONSISTENT_CEILING: usize = 0;
/// Lowered as rules get a procedure (the contrast rules made two partial); never raised.
const UNTESTED_CEILING: usize = 4;

#[test]
fn act_report_totals() {
    let rules = act_grading::run();
    assert_eq!(rules.len(), 87, "ACT rules in the suite");
    assert_eq!(rules.iter().filter(|r| r.approved).count(), 37, "approved ACT rules");
    let t = act_grading::totals(&rules);
    let n = |c: Consistency| t.get(&c).copied().unwrap_or(0);
    println!(
        "ACT approved rules: {} complete, {} partial, {} inconsistent, {} untested (of 37; SortSite 33, Alfa 27, axe-core 26 complete)",
        n(Consistency::Complete),
        n(Consistency::Partial),
        n(Consistency::Inconsistent),
        n(Consistency::Untested)
    );
    for r in rules.iter().filter(|r| r.approved && r.consistency() == Consistency::Inconsistent) {
        println!("  inconsistent: {} {}", r.id, r.name);
    }
    assert!(n(Consistency::Complete) >= COMPLETE_FLOOR, "complete approved ACT rules fell below {COMPLETE_FLOOR}");
    assert!(n(Consistency::Inconsistent) <= INCONSISTENT_CEILING, "inconsistent approved ACT rules rose above {INCONSISTENT_CEILING}");
    assert!(n(Consistency::Untested) <= UNTESTED_CEILING, "untested approved ACT rules rose above {UNTESTED_CEILING}");
}
