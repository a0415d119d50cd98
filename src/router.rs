//! Path matching. Pure string work: which route a path names, with its
//! parameters, and which methods it allows.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Health,
    /// Development only (ENVIRONMENT=development): re-sends a scan's job, so
    /// tests can deliver a message twice. 404 in any other environment.
    DevEnqueue { scan: String },
    RunScan { org: String, project: String },
    ListScans { org: String, project: String },
    GetScan { org: String, project: String, scan: String },
    ScanFindings { org: String, project: String, scan: String },
}

impl Route {
    pub fn methods(&self) -> &'static [&'static str] {
        match self {
            Route::RunScan { .. } | Route::DevEnqueue { .. } => &["POST"],
            _ => &["GET"],
        }
    }
    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Route::Health => "health",
            Route::DevEnqueue { .. } => "dev.enqueue",
            Route::RunScan { .. } => "scans.run",
            Route::ListScans { .. } => "scans.list",
            Route::GetScan { .. } => "scans.get",
            Route::ScanFindings { .. } => "scans.findings",
        }
    }
}

pub fn match_path(path: &str) -> Option<Route> {
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let s = |x: &str| x.to_string();
    match segs.as_slice() {
        ["health"] => Some(Route::Health),
        ["__dev", "scans", scan, "enqueue"] => Some(Route::DevEnqueue { scan: s(scan) }),
        ["api", "v1", "orgs", org, "projects", project, "audit", rest @ ..] => match rest {
            ["scans", "run"] => Some(Route::RunScan { org: s(org), project: s(project) }),
            ["scans"] => Some(Route::ListScans { org: s(org), project: s(project) }),
            ["scans", scan] => Some(Route::GetScan { org: s(org), project: s(project), scan: s(scan) }),
            ["scans", scan, "findings"] => {
                Some(Route::ScanFindings { org: s(org), project: s(project), scan: s(scan) })
            }
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_routes() {
        let base = "/api/v1/orgs/o/projects/p/audit";
        assert_eq!(match_path(&format!("{base}/scans/run")), Some(Route::RunScan { org: "o".into(), project: "p".into() }));
        assert_eq!(match_path(&format!("{base}/scans/")), Some(Route::ListScans { org: "o".into(), project: "p".into() }));
        assert!(matches!(match_path(&format!("{base}/scans/x")), Some(Route::GetScan { .. })));
        assert!(matches!(match_path(&format!("{base}/scans/x/findings")), Some(Route::ScanFindings { .. })));
        assert_eq!(match_path("/health"), Some(Route::Health));
        assert_eq!(match_path("/"), None);
        assert_eq!(match_path("/api/v1/orgs/o/projects/p/audit/nope"), None);
        assert_eq!(match_path("/api/v1/orgs/o/projects/p/audit/scans/x/y/z"), None);
    }
}
