//! The operation registry: every operation of every surface is declared once, with its
//! handler, and everything else (router, permission check, OpenAPI, audit sentences) is
//! derived from that declaration.
//!
//! Architecture invariant: handlers never authorise. The HTTP dispatcher authenticates,
//! asks `storegate_domain::access::decide`, binds forced parameters and audits; a handler
//! only parses, calls the domain and shapes the reply.

pub mod audit;
pub mod ctx;
pub mod input;
pub mod limits;
pub mod openapi;
pub mod operation;
pub mod ops;
pub mod registry;
pub mod spec;
pub mod wire;

pub use ctx::{Ctx, Host, Settings};
pub use operation::{ErasedOp, Operation, Reply};
pub use registry::operations;
pub use spec::{Cache, Forced, Limit, LimitKey, Method, OpSpec, Policy, Surface};
