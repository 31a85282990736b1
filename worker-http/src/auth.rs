//! `ADMIN_TOKEN`: when set, mutations need `Authorization: Bearer <ADMIN_TOKEN>`; reads stay public.

use crate::ApiError;

pub fn check_admin(authorization: Option<&str>, admin_token: Option<&str>) -> Result<(), ApiError> {
    let Some(expected) = admin_token.filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let given = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized)
    }
}

/// Compares without returning early, so response timing does not reveal the token's prefix.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_without_a_token_closed_with_one() {
        assert!(check_admin(None, None).is_ok());
        assert!(check_admin(None, Some("")).is_ok());
        assert!(check_admin(Some("Bearer s3cret"), Some("s3cret")).is_ok());
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
