/// Where things live in Redis, under one configurable prefix (`KEY_PREFIX`), so that several
/// deployments or test runs can share a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Hash `{name, price (cents), quantity}` of one product.
    pub fn product(&self, id: &str) -> String {
        format!("{}product:{id}", self.prefix)
    }

    /// The prefix of product hashes, for scripts that build keys from ids.
    pub fn product_prefix(&self) -> String {
        format!("{}product:", self.prefix)
    }

    /// Sorted set of product ids, scored by creation time: the catalogue's order.
    pub fn products(&self) -> String {
        format!("{}products", self.prefix)
    }
}
