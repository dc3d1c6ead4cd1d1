//! Customer, address and customer group shapes.
