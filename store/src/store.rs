//! `Store`: one deployment's data, a client and its key layout, from which each family of
//! operations is reached. The workers' `Backend` and the store's tests both hold one.

use upstash_rest::{Client, Transport};

use crate::consumer::Settings;
use crate::{Audit, Consumer, DeadLetters, Inventory, Keys, Orders};

pub struct Store<T> {
    pub client: Client<T>,
    pub keys: Keys,
}

impl<T: Transport> Store<T> {
    pub fn new(client: Client<T>, keys: Keys) -> Self {
        Self { client, keys }
    }

    pub fn inventory(&self) -> Inventory<'_, T> {
        Inventory::new(&self.client, &self.keys)
    }

    pub fn orders(&self) -> Orders<'_, T> {
        Orders::new(&self.client, &self.keys)
    }

    pub fn consumer(&self, settings: Settings) -> Consumer<'_, T> {
        Consumer::new(&self.client, &self.keys, settings)
    }

    pub fn audit(&self) -> Audit<'_, T> {
        Audit::new(&self.client, &self.keys)
    }

    pub fn dead_letters(&self) -> DeadLetters<'_, T> {
        DeadLetters::new(&self.client, &self.keys)
    }
}
