//! The rule catalogue as Markdown, generated from the rule records so the
//! documentation never drifts from the code (`npm run docs` writes
//! `docs/rules.md`; a test fails when the file is stale). The priority shown
//! is a finding's score at the rule's own severity (`scoring::priority_score`).
use super::{all, Rule};
use crate::domain::model::Domain;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn refs(r: &Rule) -> String {
    r.references
        .iter()
        .map(|x| if x.url.is_empty() { x.id.to_string() } else { format!("[{}]({})", x.id, x.url) })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn markdown() -> String {
    let rules = all();
    let mut out = String::from(
        "# Rule catalogue\n\nGenerated from the rule records in `src/rules/` by `npm run docs`; do not edit by hand.\n\n",
    );
    out.push_str(&format!("{} rules in all.\n\n", rules.len()));
    for d in Domain::ALL {
        let of: Vec<&&Rule> = rules.iter().filter(|r| r.domain == d).collect();
        out.push_str(&format!("## {} ({} rules)\n\n", d.as_str(), of.len()));
        out.push_str("| id | severity | priority (impact/effort/risk) | title | what it checks | references | fix (minutes) | known limits |\n");
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        for r in of {
            out.push_str(&format!(
                "| `{}` | {} | {} ({}/{}/{}) | {} | {} | {} | {} ({}) | {} |\n",
                r.id,
                r.severity.as_str(),
                crate::domain::scoring::priority_score(r.impact, r.effort, r.risk),
                r.impact,
                r.effort,
                r.risk,
                cell(r.title),
                cell(r.description),
                cell(&refs(r)),
                cell(r.fix.summary),
                r.fix.estimated_minutes,
                cell(if r.limits.is_empty() { "—" } else { r.limits }),
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = super::all().iter().map(|r| r.id).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule ids");
    }
}
