use std::fmt;

/// A well-formed request with an invalid field: answered 422, the message names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// The JSON object of a request body, or a 422 naming the body.
pub fn object(body: &serde_json::Value) -> Result<&serde_json::Map<String, serde_json::Value>, FieldError> {
    body.as_object()
        .ok_or_else(|| FieldError::new("body", "the body must be a JSON object"))
}

/// Refuses fields the API does not know, so that a typo (`"quantiy"`) is not silently ignored.
pub fn only_fields(
    object: &serde_json::Map<String, serde_json::Value>,
    known: &[&str],
) -> Result<(), FieldError> {
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => Err(FieldError::new(
            unknown,
            format!("unknown field '{unknown}'; expected {}", known.join(", ")),
        )),
        None => Ok(()),
    }
}
