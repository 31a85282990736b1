//! A command paired with the decoder for its reply, so helpers work alone (`client.run`) and
//! inside pipelines and transactions (send `command()`, then `decode` the matching entry).

use crate::{Command, Error, Value};

/// Decodes a reply; it sees errors too, so e.g. BUSYGROUP can mean "already exists".
pub type Decoder<O> = fn(Result<Value, Error>) -> Result<O, Error>;

#[derive(Debug, Clone)]
pub struct TypedCommand<O> {
    command: Command,
    decoder: Decoder<O>,
}

impl<O> TypedCommand<O> {
    pub fn new(command: Command, decoder: Decoder<O>) -> Self {
        Self { command, decoder }
    }

    pub fn command(&self) -> &Command {
        &self.command
    }

    /// Decodes the reply to this command (from `Client::send` or a pipeline entry).
    pub fn decode(&self, reply: Result<Value, Error>) -> Result<O, Error> {
        (self.decoder)(reply)
    }

    /// See [`Command::idempotent`].
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.command = self.command.idempotent(idempotent);
        self
    }
}

impl<O> std::borrow::Borrow<Command> for TypedCommand<O> {
    fn borrow(&self) -> &Command {
        &self.command
    }
}
