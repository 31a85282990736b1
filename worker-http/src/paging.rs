//! Lists in pages: `?limit=N&cursor=C` in, a JSON array out (as the tutorial's clients expect),
//! and, when more remain, an RFC 8288 `Link: <…?limit=N&cursor=…>; rel="next"` header.

use domain::{Cursor, EntryPageRequest, FieldError, PageRequest};

/// The page a request asks for (`limit` defaults to `default`).
pub fn request_of(query: &[(String, String)], default: u32) -> Result<PageRequest, FieldError> {
    let get = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    PageRequest::parse(get("limit"), get("cursor"), default)
}

/// The page of the stream list `list` a request asks for (`limit` defaults to `default`; its
/// cursors name `list`).
pub fn entry_request_of(
    query: &[(String, String)],
    default: u32,
    list: &str,
) -> Result<EntryPageRequest, FieldError> {
    let get = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    EntryPageRequest::parse(get("limit"), get("cursor"), default, list)
}

/// The `Link` value pointing at the page after `next`, on the same origin and path.
pub fn next_link(origin_and_path: &str, limit: u32, next: &Cursor) -> String {
    link(origin_and_path, limit, &next.to_string())
}

/// `<…?limit=N&cursor=C>; rel="next"` for a cursor's text (URL-safe: digits, letters, `.`, `-`,
/// `_`).
pub fn link(origin_and_path: &str, limit: u32, cursor: &str) -> String {
    format!("<{origin_and_path}?limit={limit}&cursor={cursor}>; rel=\"next\"")
}

/// Answers a page: the items as a JSON array, with `Link` when there is a next page.
#[cfg(target_arch = "wasm32")]
pub fn json_page<T: serde::Serialize>(
    req: &worker::Request,
    page: &domain::Page<T>,
    limit: u32,
) -> Result<worker::Response, crate::ApiError> {
    json_items(
        req,
        &page.items,
        limit,
        page.next.as_ref().map(ToString::to_string),
    )
}

/// Answers a page of the stream list `list` (the ledger, the dead letters), the same way.
#[cfg(target_arch = "wasm32")]
pub fn json_entry_page<T: serde::Serialize>(
    req: &worker::Request,
    page: &domain::EntryPage<T>,
    limit: u32,
    list: &str,
) -> Result<worker::Response, crate::ApiError> {
    json_items(req, &page.items, limit, page.next.map(|next| next.cursor(list)))
}

/// `items` as a JSON array, with `Link` to the page after `cursor` when there is one.
#[cfg(target_arch = "wasm32")]
fn json_items<T: serde::Serialize>(
    req: &worker::Request,
    items: &[T],
    limit: u32,
    cursor: Option<String>,
) -> Result<worker::Response, crate::ApiError> {
    let mut response = crate::respond::json(200, &items)?;
    if let Some(cursor) = cursor {
        let url = req
            .url()
            .map_err(|e| crate::ApiError::Internal(format!("url: {e}")))?;
        let base = format!("{}{}", url.origin().ascii_serialization(), url.path());
        response
            .headers_mut()
            .set("Link", &link(&base, limit, &cursor))
            .map_err(|e| crate::ApiError::Internal(format!("Link header: {e}")))?;
    }
    Ok(response)
}

/// The query pairs of a worker request.
#[cfg(target_arch = "wasm32")]
pub fn query_of(req: &worker::Request) -> Vec<(String, String)> {
    req.url()
        .map(|url| {
            url.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Id;

    #[test]
    fn the_next_link_repeats_the_limit() {
        let cursor = Cursor {
            score: 5,
            id: Id::generate(5, [1; 10]),
        };
        assert_eq!(
            next_link("http://127.0.0.1:8000/products", 100, &cursor),
            format!(
                "<http://127.0.0.1:8000/products?limit=100&cursor=5-{}>; rel=\"next\"",
                cursor.id
            )
        );
        let query = vec![("limit".to_owned(), "7".to_owned())];
        assert_eq!(request_of(&query, 50).unwrap().limit, 7);
        assert_eq!(request_of(&[], 50).unwrap().limit, 50);
    }
}
