//! Lists in pages: `?limit=N&cursor=C` in, a JSON array out (as the tutorial's clients expect),
//! and, when more remain, an RFC 8288 `Link: </path?limit=N&cursor=…>; rel="next"` header. The
//! link is a relative reference (resolved against the URL the client asked for), never built from
//! the request's `Host`: that is the client's to choose, and a cache or a custom domain in front
//! would hand a reflected host to every client.

use domain::{Cursor, EntryPageRequest, FieldError, Listing, PageRequest};

/// The page of `list` a request asks for (`limit` defaults to `default`).
pub fn request_of(
    query: &[(String, String)],
    default: u32,
    list: Listing,
) -> Result<PageRequest, FieldError> {
    let get = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    PageRequest::parse(get("limit"), get("cursor").map(|c| (list, c)), default)
}

/// The page of the stream list `list` (a ledger, a stream's dead letters) a request asks for
/// (`limit` defaults to `default`; its cursors name `list`).
pub fn entry_request_of(
    query: &[(String, String)],
    default: u32,
    list: &str,
) -> Result<EntryPageRequest, FieldError> {
    let get = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    EntryPageRequest::of_stream(get("limit"), get("cursor"), default, list)
}

/// The `Link` value pointing at the page of `list` after `next`, on the same `path`.
pub fn next_link(path: &str, limit: u32, list: Listing, next: &Cursor) -> String {
    link(path, limit, &next.text(list))
}

/// `</path?limit=N&cursor=C>; rel="next"` for a cursor's text (URL-safe: digits, letters, `.`,
/// `-`, `_`).
pub fn link(path: &str, limit: u32, cursor: &str) -> String {
    format!("<{path}?limit={limit}&cursor={cursor}>; rel=\"next\"")
}

/// Answers a page of `list`: the items as a JSON array, with `Link` when there is a next page.
#[cfg(target_arch = "wasm32")]
pub fn json_page<T: serde::Serialize>(
    req: &worker::Request,
    page: &domain::Page<T>,
    limit: u32,
    list: Listing,
) -> Result<worker::Response, crate::ApiError> {
    json_items(
        req,
        &page.items,
        limit,
        page.next.as_ref().map(|next| next.text(list)),
    )
}

/// Answers a page of the stream list `list` (a ledger, a stream's dead letters), the same way.
#[cfg(target_arch = "wasm32")]
pub fn json_entry_page<T: serde::Serialize>(
    req: &worker::Request,
    page: &domain::EntryPage<T>,
    limit: u32,
    list: &str,
) -> Result<worker::Response, crate::ApiError> {
    json_items(req, &page.items, limit, page.next.map(|next| next.cursor(list)))
}

/// `items` as a JSON array, with `Link` (relative, on the request's path) to the page after
/// `cursor` when there is one.
#[cfg(target_arch = "wasm32")]
fn json_items<T: serde::Serialize>(
    req: &worker::Request,
    items: &[T],
    limit: u32,
    cursor: Option<String>,
) -> Result<worker::Response, crate::ApiError> {
    let mut response = crate::respond::json(200, &items)?;
    if let Some(cursor) = cursor {
        response
            .headers_mut()
            .set("Link", &link(&req.path(), limit, &cursor))
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

    #[test]
    fn the_next_link_is_relative_repeats_the_limit_and_names_its_list() {
        let cursor = Cursor::parse(Listing::Products, "products.5-01JDQ3T0X6M6V1W3C6W7N5K8ZP").unwrap();
        assert_eq!(
            next_link("/products", 100, Listing::Products, &cursor),
            "</products?limit=100&cursor=products.5-01JDQ3T0X6M6V1W3C6W7N5K8ZP>; rel=\"next\""
        );
        let query = vec![("limit".to_owned(), "7".to_owned())];
        assert_eq!(request_of(&query, 50, Listing::Products).unwrap().limit, 7);
        assert_eq!(request_of(&[], 50, Listing::Products).unwrap().limit, 50);
        let of_orders = vec![("cursor".to_owned(), cursor.text(Listing::Orders))];
        assert_eq!(
            request_of(&of_orders, 50, Listing::Orders).unwrap().after,
            Some(cursor)
        );
        assert_eq!(
            request_of(&of_orders, 50, Listing::Products).unwrap_err().field,
            "cursor"
        );
    }
}
