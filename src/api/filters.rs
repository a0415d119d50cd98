//! Multi-value query filters (`?status=new,acknowledged&status=resolved`):
//! values are trimmed, de-duplicated (first occurrence kept) and capped at
//! [`MAX_FILTER_VALUES`] distinct values per filter, so no caller can make a
//! statement bind more than D1's 100 parameters.
use crate::domain::error::ApiError;

pub const MAX_FILTER_VALUES: usize = 20;

/// Every distinct value of a filter, repeated or comma-separated, in order.
/// More than [`MAX_FILTER_VALUES`] distinct values is 422 naming the filter.
pub fn values<'a>(query: &'a [(String, String)], name: &str) -> Result<Vec<&'a str>, ApiError> {
    let mut out: Vec<&'a str> = Vec::new();
    let all = query.iter().filter(|(k, _)| k == name).flat_map(|(_, v)| v.split(',')).map(str::trim);
    for v in all.filter(|v| !v.is_empty()) {
        if out.contains(&v) {
            continue;
        }
        if out.len() == MAX_FILTER_VALUES {
            return Err(ApiError::invalid(name, format!("`{name}` accepts at most {MAX_FILTER_VALUES} distinct values")));
        }
        out.push(v);
    }
    Ok(out)
}

/// [`values`], each parsed; a value that does not parse is 422 listing the allowed ones.
pub fn parse_values<T>(query: &[(String, String)], name: &str, parse: fn(&str) -> Option<T>, allowed: &str) -> Result<Vec<T>, ApiError> {
    values(query, name)?
        .into_iter()
        .map(|v| parse(v).ok_or_else(|| ApiError::invalid(name, format!("must be one or more of {allowed}"))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::findings::FindingStatus;

    fn q(pairs: &[(&str, String)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn repeated_and_comma_separated_values_are_deduplicated_in_order() {
        let query = q(&[("status", "new, acknowledged".into()), ("other", "x".into()), ("status", "new,,resolved".into())]);
        assert_eq!(values(&query, "status"), Ok(vec!["new", "acknowledged", "resolved"]));
        assert_eq!(values(&query, "missing"), Ok(vec![]));
    }

    #[test]
    fn duplicates_do_not_count_towards_the_cap() {
        let query = q(&[("status", vec!["new"; 120].join(","))]);
        assert_eq!(values(&query, "status"), Ok(vec!["new"]));
        let repeated: Vec<(String, String)> = (0..25).map(|_| ("status".to_string(), "new".to_string())).collect();
        assert_eq!(values(&repeated, "status"), Ok(vec!["new"]));
    }

    #[test]
    fn at_most_twenty_distinct_values() {
        let twenty = q(&[("rule_id", (0..20).map(|i| format!("r{i}")).collect::<Vec<_>>().join(","))]);
        assert_eq!(values(&twenty, "rule_id").map(|v| v.len()), Ok(20));
        let mut twenty_one = twenty.clone();
        twenty_one.push(("rule_id".into(), "r0,r20".into()));
        let err = values(&twenty_one, "rule_id").expect_err("21 distinct");
        assert_eq!(err.status(), 422);
        assert_eq!(err.body()["code"], "invalid_params");
        assert_eq!(err.body()["details"]["rule_id"], "`rule_id` accepts at most 20 distinct values");
        let many = q(&[("status", (0..120).map(|i| format!("s{i}")).collect::<Vec<_>>().join(","))]);
        assert!(values(&many, "status").is_err());
    }

    #[test]
    fn parsed_values() {
        let allowed = "new, acknowledged, in_progress, resolved, ignored";
        let query = q(&[("status", "new,resolved,new".into())]);
        assert_eq!(parse_values(&query, "status", FindingStatus::parse, allowed), Ok(vec![FindingStatus::New, FindingStatus::Resolved]));
        let bad = q(&[("status", "new,done".into())]);
        let err = parse_values(&bad, "status", FindingStatus::parse, allowed).expect_err("done");
        assert_eq!(err.body()["details"]["status"], format!("must be one or more of {allowed}"));
        // The cap is judged before the values: 120 junk values name the cap.
        let many = q(&[("status", (0..120).map(|i| format!("s{i}")).collect::<Vec<_>>().join(","))]);
        let err = parse_values(&many, "status", FindingStatus::parse, allowed).expect_err("cap");
        assert!(err.body()["details"]["status"].as_str().is_some_and(|m| m.contains("at most 20")));
    }
}
