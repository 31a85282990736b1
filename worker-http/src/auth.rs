//! Who may change products and list every order (`settings::Admin`): with `ADMIN_TOKEN` set, only
//! `Authorization: Bearer <ADMIN_TOKEN>`; without it nobody, unless the open mode was asked for
//! (`ADMIN_AUTH=open`, what `make dev` does without a token). Reads stay public.

use crate::settings::Admin;
use crate::ApiError;

/// Refuses an admin operation unless `admin` lets this `Authorization` header through. Without a
/// token the answer is 503 `admin_not_configured`, not 401: no credential could succeed, so a
/// client must not ask its user for one; the deployment lacks its secret (as a missing Redis
/// secret is a 503 too), and a 5xx is what an operator's alerts see.
pub fn check_admin(authorization: Option<&str>, admin: &Admin) -> Result<(), ApiError> {
    match admin {
        Admin::Open => Ok(()),
        Admin::Closed => Err(ApiError::AdminNotConfigured),
        Admin::Token(expected) => {
            let given = authorization.and_then(bearer).unwrap_or("");
            if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
                Ok(())
            } else {
                Err(ApiError::Unauthorized)
            }
        }
    }
}

/// `check_admin` for a worker request, its `Authorization` header against `admin`.
#[cfg(target_arch = "wasm32")]
pub fn check_admin_request(req: &worker::Request, admin: &Admin) -> Result<(), ApiError> {
    let header = req.headers().get("Authorization").ok().flatten();
    check_admin(header.as_deref(), admin)
}

/// The header an internal call carries its route's token in (`settings::Common::internal_token`): one name
/// for every internal route, the token itself saying which route it opens.
pub const INTERNAL_TOKEN_HEADER: &str = "X-Internal-Token";

/// The caller of an internal route: one of our workers with the route's token (`expected`, from
/// `settings::Common::internal_token`). Anyone else gets the 404 of an unknown route.
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
    use crate::settings::{Common, FromVars};
    let given = req.headers().get(INTERNAL_TOKEN_HEADER).ok().flatten();
    check_internal(
        given.as_deref(),
        Common::of(env)?.internal_token(route).as_deref(),
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
    fn closed_without_a_token_open_only_when_asked() {
        assert_eq!(
            check_admin(None, &Admin::Closed),
            Err(ApiError::AdminNotConfigured)
        );
        assert_eq!(
            check_admin(Some("Bearer anything"), &Admin::Closed),
            Err(ApiError::AdminNotConfigured)
        );
        assert!(check_admin(None, &Admin::Open).is_ok());
        let token = Admin::Token("s3cret".into());
        assert!(check_admin(Some("Bearer s3cret"), &token).is_ok());
        assert!(check_admin(Some("bearer  s3cret "), &token).is_ok());
        for bad in [
            None,
            Some("Bearer wrong"),
            Some("s3cret"),
            Some("Bearer "),
            Some("Basic s3cret"),
        ] {
            assert_eq!(check_admin(bad, &token), Err(ApiError::Unauthorized), "{bad:?}");
        }
    }
}
