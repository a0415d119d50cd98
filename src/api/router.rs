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
    ScanSarif { org: String, project: String, scan: String },
    ListFindings { org: String, project: String },
    Finding { org: String, project: String, finding: String },
    /// A finding's whole history, paginated (GET finding shows the latest 50).
    FindingHistory { org: String, project: String, finding: String },
    CommandCenter { org: String, project: String },
    Schedules { org: String, project: String },
    Schedule { org: String, project: String, schedule: String },
    /// Two scans compared by fingerprint (`?base=`, else the scan's baseline).
    ScanCompare { org: String, project: String, scan: String },
    /// A site scan's pages (`?status=`, paginated).
    ScanPages { org: String, project: String, scan: String },
    /// Stops a queued or running scan (a site scan's outstanding pages too).
    ScanCancel { org: String, project: String, scan: String },
    /// The project's default gate.
    ProjectGate { org: String, project: String },
    /// README badges of a project (create, list) and one badge (get, revoke).
    Badges { org: String, project: String },
    Badge { org: String, project: String, badge: String },
    /// `GET /badge/{token}.svg`: public, no key.
    BadgeSvg { file: String },
    Webhooks { org: String, project: String },
    Webhook { org: String, project: String, webhook: String },
    WebhookTest { org: String, project: String, webhook: String },
    WebhookDeliveries { org: String, project: String, webhook: String },
    /// The OpenAPI 3.1 description of this API (no auth).
    OpenApi,
    /// Who the presented key is: id, org, name, scopes (any valid key).
    WhoAmI,
    /// The projects an org has scanned (the dashboard's project switcher).
    OrgProjects { org: String },
}

impl Route {
    pub fn methods(&self) -> &'static [&'static str] {
        match self {
            Route::RunScan { .. } | Route::DevEnqueue { .. } | Route::ScanCancel { .. } => &["POST"],
            Route::Finding { .. } => &["GET", "PATCH"],
            Route::Schedules { .. } => &["GET", "POST"],
            Route::Schedule { .. } => &["GET", "PATCH", "DELETE"],
            Route::ProjectGate { .. } => &["GET", "PUT", "DELETE"],
            Route::Badges { .. } | Route::Webhooks { .. } => &["GET", "POST"],
            Route::Badge { .. } | Route::Webhook { .. } => &["GET", "DELETE"],
            Route::WebhookTest { .. } => &["POST"],
            _ => &["GET"],
        }
    }
    /// The org and project path parameters, for routes under a project.
    pub fn project_params(&self) -> Option<(&str, &str)> {
        match self {
            Route::Health | Route::DevEnqueue { .. } | Route::BadgeSvg { .. } | Route::OpenApi | Route::WhoAmI | Route::OrgProjects { .. } => None,
            Route::RunScan { org, project }
            | Route::ListScans { org, project }
            | Route::GetScan { org, project, .. }
            | Route::ScanFindings { org, project, .. }
            | Route::ScanSarif { org, project, .. }
            | Route::ListFindings { org, project }
            | Route::Finding { org, project, .. }
            | Route::FindingHistory { org, project, .. }
            | Route::CommandCenter { org, project }
            | Route::Schedules { org, project }
            | Route::Schedule { org, project, .. }
            | Route::ScanCompare { org, project, .. }
            | Route::ScanPages { org, project, .. }
            | Route::ScanCancel { org, project, .. }
            | Route::ProjectGate { org, project } => Some((org, project)),
            | Route::Badges { org, project }
            | Route::Badge { org, project, .. }
            | Route::Webhooks { org, project }
            | Route::Webhook { org, project, .. }
            | Route::WebhookTest { org, project, .. }
            | Route::WebhookDeliveries { org, project, .. } => Some((org, project)),
        }
    }

    /// The scope a key needs for this route and method.
    pub fn required_scope(&self, method: &str) -> &'static str {
        match (self, method) {
            (Route::RunScan { .. }, _) | (_, "POST" | "PUT" | "PATCH" | "DELETE") => "audit:write",
            _ => "audit:read",
        }
    }

    /// Whether the route uses the spec's strict bucket (else the standard one).
    pub fn strict_bucket(&self) -> bool {
        matches!(self, Route::RunScan { .. })
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
            Route::ScanSarif { .. } => "scans.sarif",
            Route::ListFindings { .. } => "findings.list",
            Route::Finding { .. } => "findings.one",
            Route::FindingHistory { .. } => "findings.history",
            Route::CommandCenter { .. } => "command_center",
            Route::Schedules { .. } => "schedules",
            Route::Schedule { .. } => "schedules.one",
            Route::ScanCompare { .. } => "scans.compare",
            Route::ScanPages { .. } => "scans.pages",
            Route::ScanCancel { .. } => "scans.cancel",
            Route::ProjectGate { .. } => "gate",
            Route::Badges { .. } => "badges",
            Route::Badge { .. } => "badges.one",
            Route::BadgeSvg { .. } => "badges.svg",
            Route::Webhooks { .. } => "webhooks",
            Route::Webhook { .. } => "webhooks.one",
            Route::WebhookTest { .. } => "webhooks.test",
            Route::WebhookDeliveries { .. } => "webhooks.deliveries",
            Route::OpenApi => "openapi",
            Route::WhoAmI => "key.whoami",
            Route::OrgProjects { .. } => "org.projects",
        }
    }
}

pub fn match_path(path: &str) -> Option<Route> {
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let s = |x: &str| x.to_string();
    match segs.as_slice() {
        ["health"] => Some(Route::Health),
        ["api", "v1", "openapi.json"] => Some(Route::OpenApi),
        ["api", "v1", "key"] => Some(Route::WhoAmI),
        ["api", "v1", "orgs", org, "projects"] => Some(Route::OrgProjects { org: s(org) }),
        ["__dev", "scans", scan, "enqueue"] => Some(Route::DevEnqueue { scan: s(scan) }),
        ["badge", file] if file.ends_with(".svg") => Some(Route::BadgeSvg { file: s(file) }),
        ["api", "v1", "orgs", org, "projects", project, "audit", rest @ ..] => match rest {
            ["scans", "run"] => Some(Route::RunScan { org: s(org), project: s(project) }),
            ["scans"] => Some(Route::ListScans { org: s(org), project: s(project) }),
            ["scans", scan] => Some(Route::GetScan { org: s(org), project: s(project), scan: s(scan) }),
            ["scans", scan, "findings"] => {
                Some(Route::ScanFindings { org: s(org), project: s(project), scan: s(scan) })
            }
            ["scans", scan, "findings.sarif"] => {
                Some(Route::ScanSarif { org: s(org), project: s(project), scan: s(scan) })
            }
            ["findings"] => Some(Route::ListFindings { org: s(org), project: s(project) }),
            ["findings", finding] => Some(Route::Finding { org: s(org), project: s(project), finding: s(finding) }),
            ["findings", finding, "history"] => {
                Some(Route::FindingHistory { org: s(org), project: s(project), finding: s(finding) })
            }
            ["command-center"] => Some(Route::CommandCenter { org: s(org), project: s(project) }),
            ["schedules"] => Some(Route::Schedules { org: s(org), project: s(project) }),
            ["schedules", id] => Some(Route::Schedule { org: s(org), project: s(project), schedule: s(id) }),
            ["scans", scan, "compare"] => Some(Route::ScanCompare { org: s(org), project: s(project), scan: s(scan) }),
            ["scans", scan, "pages"] => Some(Route::ScanPages { org: s(org), project: s(project), scan: s(scan) }),
            ["scans", scan, "cancel"] => Some(Route::ScanCancel { org: s(org), project: s(project), scan: s(scan) }),
            ["gate"] => Some(Route::ProjectGate { org: s(org), project: s(project) }),
            ["badges"] => Some(Route::Badges { org: s(org), project: s(project) }),
            ["badges", id] => Some(Route::Badge { org: s(org), project: s(project), badge: s(id) }),
            ["webhooks"] => Some(Route::Webhooks { org: s(org), project: s(project) }),
            ["webhooks", id] => Some(Route::Webhook { org: s(org), project: s(project), webhook: s(id) }),
            ["webhooks", id, "test"] => Some(Route::WebhookTest { org: s(org), project: s(project), webhook: s(id) }),
            ["webhooks", id, "deliveries"] => {
                Some(Route::WebhookDeliveries { org: s(org), project: s(project), webhook: s(id) })
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
        assert!(matches!(match_path(&format!("{base}/scans/x/findings.sarif")), Some(Route::ScanSarif { .. })));
        assert!(matches!(match_path(&format!("{base}/findings")), Some(Route::ListFindings { .. })));
        assert!(matches!(match_path(&format!("{base}/findings/f")), Some(Route::Finding { .. })));
        let history = match_path(&format!("{base}/findings/f/history"));
        assert_eq!(history, Some(Route::FindingHistory { org: "o".into(), project: "p".into(), finding: "f".into() }));
        assert_eq!(history.as_ref().map(|r| r.methods()), Some(&["GET"][..]));
        assert_eq!(history.as_ref().map(|r| r.required_scope("GET")), Some("audit:read"));
        assert_eq!(match_path(&format!("{base}/findings/f/history/x")), None);
        assert!(matches!(match_path(&format!("{base}/command-center")), Some(Route::CommandCenter { .. })));
        let cmp = match_path(&format!("{base}/scans/x/compare"));
        assert_eq!(cmp, Some(Route::ScanCompare { org: "o".into(), project: "p".into(), scan: "x".into() }));
        assert!(matches!(match_path(&format!("{base}/scans/x/pages")), Some(Route::ScanPages { .. })));
        let cancel = match_path(&format!("{base}/scans/x/cancel"));
        assert_eq!(cancel.as_ref().map(|r| r.methods()), Some(&["POST"][..]));
        assert_eq!(cancel.map(|r| r.required_scope("POST")), Some("audit:write"));
        assert_eq!(cmp.as_ref().map(|r| r.required_scope("GET")), Some("audit:read"));
        let gate = match_path(&format!("{base}/gate"));
        assert_eq!(gate.as_ref().map(|r| r.methods()), Some(&["GET", "PUT", "DELETE"][..]));
        assert_eq!(gate.as_ref().map(|r| r.required_scope("PUT")), Some("audit:write"));
        assert_eq!(match_path("/badge/bdg_x.svg"), Some(Route::BadgeSvg { file: "bdg_x.svg".into() }));
        assert_eq!(match_path("/badge/bdg_x.png"), None);
        assert!(matches!(match_path(&format!("{base}/badges")), Some(Route::Badges { .. })));
        assert!(matches!(match_path(&format!("{base}/badges/b")), Some(Route::Badge { .. })));
        assert!(matches!(match_path(&format!("{base}/webhooks")), Some(Route::Webhooks { .. })));
        assert!(matches!(match_path(&format!("{base}/webhooks/w")), Some(Route::Webhook { .. })));
        let test = match_path(&format!("{base}/webhooks/w/test"));
        assert_eq!(test.as_ref().map(|r| r.required_scope("POST")), Some("audit:write"));
        let deliveries = match_path(&format!("{base}/webhooks/w/deliveries"));
        assert_eq!(deliveries.as_ref().map(|r| r.methods()), Some(&["GET"][..]));
        assert_eq!(match_path("/api/v1/openapi.json"), Some(Route::OpenApi));
        assert_eq!(match_path("/api/v1/key"), Some(Route::WhoAmI));
        assert_eq!(match_path("/api/v1/orgs/o/projects"), Some(Route::OrgProjects { org: "o".into() }));
        assert_eq!(match_path("/"), None);
        assert_eq!(match_path("/api/v1/orgs/o/projects/p/audit/nope"), None);
        assert_eq!(match_path("/api/v1/orgs/o/projects/p/audit/scans/x/y/z"), None);
    }
}
