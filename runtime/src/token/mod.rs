//! Managed access tokens: where they come from, where they are kept.

mod endpoint;
mod flight;
mod manager;
mod store;

pub(crate) use endpoint::Endpoints;
pub(crate) use manager::{AppKind, TokenManager, is_token_invalid};
pub use store::{
    AppTicketStore, CachedToken, InMemoryAppTicketStore, InMemoryTokenCache, TokenCache, TokenKey,
    TokenKind,
};
