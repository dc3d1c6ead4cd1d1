//! Countries, regions and currencies (the `directory` module of Magento).
