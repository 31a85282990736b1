//! CORS for the origins in `ALLOWED_ORIGINS` (comma-separated; `*` allows any origin).

const METHODS: &str = "GET, POST, PATCH, DELETE, OPTIONS";
const HEADERS: &str = "Content-Type, Authorization, Idempotency-Key, X-Request-Id, If-Match, If-None-Match";
/// Response headers a page may read besides the simple ones: `Link` (the next page),
/// `X-Request-Id` (to quote when reporting a problem) and `ETag` (for `If-Match`).
const EXPOSED: &str = "Link, X-Request-Id, Idempotent-Replayed, Retry-After, ETag";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cors {
    origins: Vec<String>,
}

impl Cors {
    pub fn parse(list: &str) -> Self {
        let origins = list
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        Self { origins }
    }

    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == "*" || o == origin)
    }

    /// Headers for a response to a request from `origin` (none for an origin not allowed: the
    /// browser then blocks the page from reading the answer).
    pub fn headers(&self, origin: Option<&str>) -> Vec<(&'static str, String)> {
        match origin.filter(|o| self.allows(o)) {
            Some(origin) => vec![
                ("Access-Control-Allow-Origin", origin.to_owned()),
                ("Access-Control-Expose-Headers", EXPOSED.into()),
                ("Vary", "Origin".into()),
            ],
            None => vec![("Vary", "Origin".into())],
        }
    }

    /// Headers for an `OPTIONS` that is a CORS preflight from an allowed origin: it names the
    /// method it asks for (`Access-Control-Request-Method`, which every browser sends). `None`
    /// for any other `OPTIONS` (no origin, another origin, no method asked for): that is answered
    /// as any method the path lacks, without CORS permissions.
    pub fn preflight(
        &self,
        origin: Option<&str>,
        request_method: Option<&str>,
    ) -> Option<Vec<(&'static str, String)>> {
        request_method.filter(|m| !m.trim().is_empty())?;
        let origin = origin.filter(|o| self.allows(o))?;
        Some(vec![
            ("Access-Control-Allow-Origin", origin.to_owned()),
            ("Access-Control-Allow-Methods", METHODS.into()),
            ("Access-Control-Allow-Headers", HEADERS.into()),
            ("Access-Control-Max-Age", "86400".into()),
            ("Vary", "Origin".into()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_origins() {
        let cors = Cors::parse("http://localhost:3000, https://shop.pages.dev/");
        assert!(cors.allows("https://shop.pages.dev"));
        assert!(!cors.allows("https://evil.example"));
        assert_eq!(
            cors.headers(Some("http://localhost:3000"))[0].1,
            "http://localhost:3000"
        );
        assert_eq!(cors.headers(Some("https://evil.example")).len(), 1);
        assert!(cors
            .preflight(Some("https://evil.example"), Some("POST"))
            .is_none());
        assert!(cors.preflight(None, Some("POST")).is_none());
        assert!(cors.preflight(Some("https://shop.pages.dev"), None).is_none());
        assert!(cors
            .preflight(Some("https://shop.pages.dev"), Some("POST"))
            .is_some());
        assert!(Cors::parse("*").allows("https://anything.example"));
    }
}
