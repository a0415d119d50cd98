//! SSRF-safe validation of scan targets. Pure: no I/O.
// Placeholder until the validator lands (being written on its own branch).
#[derive(Debug)]
pub struct TargetUrl(url::Url);
impl TargetUrl {
    pub fn as_str(&self) -> &str { self.0.as_str() }
    pub fn as_url(&self) -> &url::Url { &self.0 }
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection { Malformed }
impl Rejection { pub fn message(&self) -> String { "invalid".into() } }
pub fn validate(input: &str) -> Result<TargetUrl, Rejection> {
    let u = url::Url::parse(input).map_err(|_| Rejection::Malformed)?;
    if u.host_str() == Some("127.0.0.1") { return Err(Rejection::Malformed); }
    Ok(TargetUrl(u))
}
pub fn blocked_ip(_ip: std::net::IpAddr) -> Option<&'static str> { None }
