//! Lists in pages: `?limit=N&cursor=C` in, a JSON array out (as the tutorial's clients expect),
//! and, when more remain, an RFC 8288 `Link: </path?limit=N&cursor=…>; rel="next"` header. The
//! link is a relative reference (resolved against the URL the client asked for), never built from
//! the request's `Host`: that is the client's to choose, and a cache or a custom domain in front
//! would hand a reflected host to every client.

use domain::{Cursor, FieldError, Listing, PageRequest};

/// The page of `list` a request asks for (`limit` defaults to `default`).
pub fn request_of(
    query: &[(String, String)],
    default: u32,
    list: Listing,
) -> Result<PageRequest, FieldError> {
    let get = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    PageRequest::parse(get("limit"), get("cursor").map(|c| (list, c)), default)
}

/// The `Link` value pointing at the page of `list` after `next`, on the same `path`.
pub fn next_link(path: &str, limit: u32, list: Listing, next: &Cursor) -> String {
    format!("<{path}?limit={limit}&cursor={}>; rel=\"next\"", next.text(list))
}

/// Answers a page of `list`: the items as a JSON array, with `Link` when there is a next page.
#[cfg(target_arch = "wasm32")]
pub fn json_page<T: serde::Serialize>(
    req: &worker::Request,
    page: &domain::Page<T>,
    limit: u32,
    list: Listing,
) -> Result<worker::Response, crate::ApiError> {
    let mut response = crate::respond::json(200, &page.items)?;
    if let Some(next) = &page.next {
        response
            .headers_mut()
            .set("Link", &next_link(&req.path(), limit, list, next))
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
    fn the_next_link_is_relative_repeats_the_limit_and_names_its_list() {
        let cursor = Cursor {
            score: 5,
            id: Id::generate(5, [1; 10]),
        };
        assert_eq!(
            next_link("/products", 100, Listing::Products, &cursor),
            format!(
                "</products?limit=100&cursor=products.5-{}>; rel=\"next\"",
                cursor.id
            )
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
