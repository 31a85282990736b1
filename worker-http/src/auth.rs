//! `ADMIN_TOKEN`: when set, mutations need `Authorization: Bearer <ADMIN_TOKEN>`; reads stay public.

use crate::ApiError;

pub fn check_admin(authorization: Option<&str>, admin_token: Option<&str>) -> Result<(), ApiError> {
    // A secret pasted with a trailing newline still works; a blank one means "not set".
    let Some(expected) = admin_token.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let given = authorization.and_then(bearer).unwrap_or("");
    if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized)
    }
}

/// The header an internal call carries its route's token in (`config::internal_token`): one name
/// for every internal route, the token itself saying which route it opens.
pub const INTERNAL_TOKEN_HEADER: &str = "X-Internal-Token";

/// The caller of an internal route: one of our workers with the route's token (`expected`, from
/// `config::internal_token`). Anyone else gets the 404 of an unknown route.
pub fn check_internal(given: Option<&str>, expected: Option<&str>) -> Result<(), ApiError> {
    match (given, expected) {
        (Some(given), Some(expected)) if constant_time_eq(given.as_bytes(), expected.as_bytes()) => Ok(()),
        _ => Err(ApiError::NotFound("no such route".into())),
    }
}

/// `check_internal` for a worker request to `route`.
#[cfg(target_arch = "wasm32")]
pub fn check_internal_request(
    req: &worker::Request,
    env: &worker::Env,
    route: crate::config::InternalRoute,
) -> Result<(), ApiError> {
    let given = req.headers().get(INTERNAL_TOKEN_HEADER).ok().flatten();
    check_internal(
        given.as_deref(),
        crate::config::internal_token(env, route).as_deref(),
    )
}

/// The token of `Bearer <token>` (the scheme is case-insensitive, as in RFC 7235).
fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Compares without returning early, so response timing does not reveal the token's prefix.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_routes_need_their_token() {
        assert!(check_internal(Some("t0k"), Some("t0k")).is_ok());
        for (given, expected) in [
            (None, Some("t0k")),
            (Some("t0"), Some("t0k")),
            (Some(""), None),
            (None, None),
        ] {
            assert_eq!(check_internal(given, expected).unwrap_err().status(), 404);
        }
    }

    #[test]
    fn open_without_a_token_closed_with_one() {
        assert!(check_admin(None, None).is_ok());
        assert!(check_admin(None, Some("")).is_ok());
        assert!(check_admin(Some("Bearer s3cret"), Some("s3cret")).is_ok());
        assert!(check_admin(Some("bearer s3cret"), Some("s3cret\n")).is_ok());
        for bad in [
            None,
            Some("Bearer wrong"),
            Some("s3cret"),
            Some("Bearer "),
            Some("Basic s3cret"),
        ] {
            assert_eq!(
                check_admin(bad, Some("s3cret")),
                Err(ApiError::Unauthorized),
                "{bad:?}"
            );
        }
    }
}
